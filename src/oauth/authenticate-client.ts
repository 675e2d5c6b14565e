import type { Context } from 'hono';
import { authenticateKey } from '../api-keys/authenticate-key';
import type { ApiKeyRow } from '../db/schema/index';
import type { Deps } from '../deps';
import { requestHeader } from '../lib/request-header';
import { extractCredentials } from './client-credentials-extract';
import { OAuthError } from './oauth-error';

const GENERIC = 'client authentication failed';

/** Presented client credentials, and whose failures they count against. */
export interface ClientAttempt {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  form: Map<string, string>;
  /** The caller's address, checked against the key's allowed networks. */
  ip: string | undefined;
  /** Failures are counted per this key: the address for /token, the person too for the console's test. */
  throttleKey: string;
}

/**
 * Authenticates the calling key for /token, /introspect and /revoke, counting failures
 * against the caller's address.
 */
export function authenticateClient(
  deps: Deps,
  c: Context,
  form: Map<string, string>,
  /** The caller's address, when the route has already resolved it. */
  ip: string | undefined = deps.clientIp(c),
): Promise<ApiKeyRow> {
  return authenticateAttempt(deps, {
    authorization: requestHeader(c, 'authorization'),
    form,
    ip,
    throttleKey: ip ?? 'unknown',
  });
}

/**
 * Every failure is `invalid_client`, described generically until the secret is proven;
 * each one counts against `throttleKey`, and a key past the limit gets 429. The limit is
 * checked before the work and again once the verdict is in, in the same synchronous step
 * that records a failure: attempts that were in flight together cannot all slip past
 * one early check.
 */
export async function authenticateAttempt(deps: Deps, a: ClientAttempt): Promise<ApiKeyRow> {
  const now = deps.clock.now();
  refuseIfThrottled(deps, a.throttleKey, now);
  let creds: ReturnType<typeof extractCredentials>;
  try {
    creds = extractCredentials(a.authorization, a.form);
  } catch (e) {
    if (e instanceof OAuthError && e.code === 'invalid_client')
      deps.throttle.fail(a.throttleKey, now.getTime());
    throw e;
  }
  const result = await authenticateKey(
    deps.keyLookup,
    deps.secretDigester,
    creds.clientId,
    creds.secret,
    a.ip,
    now,
    deps.passwordHasher,
    deps.keyCache,
  );
  refuseIfThrottled(deps, a.throttleKey, now);
  if (result.ok) return result.key;
  deps.throttle.fail(a.throttleKey, now.getTime());
  if ('key' in result && result.key) deps.usage.record(result.key.id, result.key.orgId, now, 'refused');
  // A malformed secret is told as such: it was refused before any lookup, so the
  // description is the same whether or not the client id exists.
  throw new OAuthError('invalid_client', result.reason === 'unknown' ? GENERIC : result.description);
}

function refuseIfThrottled(deps: Deps, throttleKey: string, now: Date): void {
  const wait = deps.throttle.retryAfter(throttleKey, now.getTime());
  if (wait > 0) {
    throw new OAuthError(
      'temporarily_unavailable',
      `too many failed client authentications from this address; retry after ${wait} s`,
      { 'Retry-After': String(wait) },
    );
  }
}
