import type { Deps } from '../../deps';
import { DomainError } from '../../lib/domain-error';
import { OAuthError } from '../oauth-error';

/** A refusal by the rules (400, 401): what a caller could be probing with. Unavailability is not. */
function isRefusal(e: unknown): boolean {
  if (e instanceof OAuthError) return e.status === 400 || e.status === 401;
  return e instanceof DomainError && (e.code === 'validation' || e.code === 'unauthorized');
}

export function refuseIfThrottled(deps: Deps, throttleKey: string, now: Date): void {
  const wait = deps.federationThrottle.retryAfter(throttleKey, now.getTime());
  if (wait > 0) {
    throw new OAuthError(
      'temporarily_unavailable',
      `too many refused token exchanges from this address; retry after ${wait} s`,
      { 'Retry-After': String(wait) },
    );
  }
}

/**
 * Runs a federated exchange with its own per-address throttle (60 refusals a minute).
 * The limit is checked before the work and again in the synchronous step that records
 * a refusal, so exchanges in flight together cannot all slip past the first check.
 */
export async function throttledExchange<T>(
  deps: Deps,
  throttleKey: string,
  now: Date,
  work: () => Promise<T>,
): Promise<T> {
  refuseIfThrottled(deps, throttleKey, now);
  try {
    return await work();
  } catch (e) {
    if (isRefusal(e)) {
      refuseIfThrottled(deps, throttleKey, now);
      deps.federationThrottle.fail(throttleKey, now.getTime());
    }
    throw e;
  }
}
