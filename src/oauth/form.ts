import type { Context } from 'hono';
import { requestHeader } from '../lib/request-header';
import { OAuthError } from './oauth-error';

const utf8 = new TextDecoder();

/**
 * Reads an application/x-www-form-urlencoded body (RFC 6749 §3.2). Parameters sent
 * without a value count as omitted (§3.1); a parameter sent twice is refused (§3.1).
 */
export async function readForm(c: Context): Promise<Map<string, string>> {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
  // Decoding the bytes ourselves: workerd warns on .text() for form bodies.
  const params = new URLSearchParams(utf8.decode(await c.req.arrayBuffer()));
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name))
      throw new OAuthError('invalid_request', `parameter "${name}" was sent more than once`);
    seen.add(name);
    if (value !== '') out.set(name, value);
  }
  return out;
}

/** A parameter the request must carry (sent empty counts as omitted, §3.1); `hint` says what it holds. */
export function requiredParameter(form: Map<string, string>, name: string, hint?: string): string {
  const value = form.get(name);
  if (value === undefined)
    throw new OAuthError('invalid_request', `${name} is required${hint ? ` (${hint})` : ''}`);
  return value;
}
