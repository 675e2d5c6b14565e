import { type TokenClient, tokenClientStatus } from './token-client';

/**
 * Whether a token that verified is still good: its client (key or federation) exists
 * in the token's organisation, is active, and the token was not revoked through
 * /revoke. The reason it is not, written for the caller, or null. Introspection, the
 * management API and MCP ask with fresh reads, the gateway with its cache: the rule
 * is this one function.
 */
export function tokenRefusal(
  client: TokenClient | undefined,
  jtiRevoked: boolean,
  token: { orgId: string },
  now: Date,
): string | null {
  if (!client || client.row.deletedAt || client.row.orgId !== token.orgId)
    return 'the token belongs to no known key';
  const status = tokenClientStatus(client, now);
  if (status !== 'active') return `the token's ${client.kind} is ${status}`;
  if (jtiRevoked) return 'the token has been revoked';
  return null;
}
