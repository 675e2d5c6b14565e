/**
 * The one error type of the gateway: RFC 6750 challenges for credentials and scopes,
 * GraphQL-style bodies for everything (clients read `errors[].message`).
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly bearer?: { error?: BearerErrorCode; scope?: string },
    readonly code = bearer?.error?.toUpperCase() ?? 'BAD_REQUEST',
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const quote = (s: string) => s.replace(/["\\]/g, '');

export function gatewayErrorResponse(e: GatewayError, realm: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (e.bearer) {
    const parts = [`realm="${quote(realm)}"`];
    if (e.bearer.error) parts.push(`error="${e.bearer.error}"`, `error_description="${quote(e.message)}"`);
    if (e.bearer.scope) parts.push(`scope="${quote(e.bearer.scope)}"`);
    headers['WWW-Authenticate'] = `Bearer ${parts.join(', ')}`;
  }
  return new Response(JSON.stringify({ errors: [{ message: e.message, extensions: { code: e.code } }] }), {
    status: e.status,
    headers,
  });
}
