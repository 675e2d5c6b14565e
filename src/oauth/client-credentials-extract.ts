import { OAuthError } from './oauth-error';

export interface PresentedCredentials {
  clientId: string;
  secret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function formDecode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError(
      'invalid_client',
      'client credentials in the Authorization header are not correctly form-encoded',
    );
  }
}

/** Printable ASCII: its own UTF-8 (other text is decoded strictly, with the same result for ASCII). */
const PRINTABLE_ASCII = /^[ -~]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseBasic(header: string): { id: string; secret: string } {
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!m?.[1]) {
    throw new OAuthError(
      'invalid_client',
      'the Authorization header must be "Basic " followed by base64 of client_id:client_secret',
    );
  }
  let decoded: string;
  try {
    const bin = atob(m[1]);
    // Every API key is printable ASCII; anything else is decoded strictly.
    decoded = PRINTABLE_ASCII.test(bin)
      ? bin
      : strictUtf8.decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
  } catch {
    throw new OAuthError('invalid_client', 'the Basic credentials are not valid base64 of UTF-8 text');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0)
    throw new OAuthError('invalid_client', 'the Basic credentials must be client_id:client_secret');
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * Finds the client's credentials: HTTP Basic or client_id + client_secret in the body,
 * exactly one of the two (RFC 6749 §2.3).
 */
export function extractCredentials(
  authorization: string | undefined,
  form: Map<string, string>,
): PresentedCredentials {
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (authorization !== undefined) {
    if (bodySecret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'use one client authentication method: HTTP Basic or client_secret in the body, not both',
      );
    }
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.id) {
      throw new OAuthError(
        'invalid_request',
        'client_id in the body does not match the Authorization header',
      );
    }
    return { clientId: basic.id, secret: basic.secret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined && bodySecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      'client authentication is required (HTTP Basic or client_id and client_secret)',
    );
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw new OAuthError('invalid_client', 'client_secret_post needs both client_id and client_secret');
  }
  return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
}
