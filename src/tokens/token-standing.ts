import { keyStatus } from '../api-keys/status';
import type { ApiKeyRow } from '../db/schema/index';

/**
 * Whether a token that verified is still good: its key exists in the token's
 * organisation, is active, and the token was not revoked through /revoke. The reason
 * it is not, written for the caller, or null. Introspection and the management API
 * ask with fresh reads, the gateway with its cache: the rule is this one function.
 */
export function tokenRefusal(
  key: ApiKeyRow | undefined,
  jtiRevoked: boolean,
  token: { orgId: string },
  now: Date,
): string | null {
  if (!key || key.deletedAt || key.orgId !== token.orgId) return 'the token belongs to no known key';
  const status = keyStatus(key, now);
  if (status !== 'active') return `the token's key is ${status}`;
  if (jtiRevoked) return 'the token has been revoked';
  return null;
}
