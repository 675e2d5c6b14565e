import { GatewayError } from './gateway-error';
import type { VerifiedCaller } from './token-verifier';

export const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * Forwards a verified request: the caller's Authorization never leaves keymint; the
 * upstream learns who is calling from X-Keymint-* headers instead. Its failures
 * become 502, its silence 504.
 */
export async function forwardToUpstream(
  upstream: string,
  body: string,
  caller: VerifiedCaller,
  incoming: Headers,
  timeoutMs = UPSTREAM_TIMEOUT_MS,
): Promise<Response> {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: incoming.get('accept') ?? 'application/json',
    'x-keymint-org': caller.orgId,
    'x-keymint-client': caller.clientId,
    'x-keymint-scopes': caller.scopes.join(' '),
  });
  const ua = incoming.get('user-agent');
  if (ua) headers.set('user-agent', ua);
  let res: Response;
  try {
    res = await fetch(upstream, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') {
      throw new GatewayError(
        504,
        `the upstream GraphQL server did not answer within ${timeoutMs / 1000} s`,
        'UPSTREAM_TIMEOUT',
      );
    }
    throw new GatewayError(502, 'the upstream GraphQL server could not be reached', 'UPSTREAM_UNREACHABLE');
  }
  if (res.status >= 500 || (res.status >= 300 && res.status < 400)) {
    await res.body?.cancel();
    throw new GatewayError(502, `the upstream GraphQL server answered ${res.status}`, 'UPSTREAM_ERROR');
  }
  const out = new Headers({ 'content-type': res.headers.get('content-type') ?? 'application/json' });
  return new Response(res.body, { status: res.status, headers: out });
}
