import type { Context } from 'hono';
import { authenticateKey } from '../api-keys/authenticate-key';
import type { ApiKeyRow } from '../db/schema/index';
import type { Deps } from '../deps';
import { extractCredentials } from './client-credentials-extract';
import { OAuthError } from './oauth-error';

const GENERIC = 'client authentication failed';

/**
 * Authenticates the calling key for /token, /introspect and /revoke. Every failure is
 * `invalid_client`, described generically until the secret is proven; each one counts
 * against the source address, and an address past the limit gets 429 up front.
 */
export async function authenticateClient(
  deps: Deps,
  c: Context,
  form: Map<string, string>,
  /** The caller's address, when the route has already resolved it. */
  ip: string | undefined = deps.clientIp(c),
): Promise<ApiKeyRow> {
  const address = ip ?? 'unknown';
  const now = deps.clock.now();
  const wait = deps.throttle.retryAfter(address, now.getTime());
  if (wait > 0) {
    throw new OAuthError(
      'temporarily_unavailable',
      `too many failed client authentications from this address; retry after ${wait} s`,
      { 'Retry-After': String(wait) },
    );
  }
  let creds: ReturnType<typeof extractCredentials>;
  try {
    creds = extractCredentials(c.req.header('authorization'), form);
  } catch (e) {
    if (e instanceof OAuthError && e.code === 'invalid_client') deps.throttle.fail(address, now.getTime());
    throw e;
  }
  const result = await authenticateKey(
    deps.keyLookup,
    deps.secretDigester,
    creds.clientId,
    creds.secret,
    ip,
    now,
  );
  if (result.ok) return result.key;
  deps.throttle.fail(address, now.getTime());
  if (result.key) deps.usage.record(result.key.id, result.key.orgId, now, 'refused');
  throw new OAuthError('invalid_client', result.reason === 'unknown' ? GENERIC : result.description);
}
