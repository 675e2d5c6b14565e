import { completeResponse, NOSNIFF } from '../lib/complete-response';

/** RFC 6749 §5.2, RFC 7009 and RFC 8707 error codes, with their HTTP statuses. */
const STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  unsupported_token_type: 400,
  temporarily_unavailable: 429,
  server_error: 500,
} as const;

export type OAuthErrorCode = keyof typeof STATUS;

/** The one error type of the OAuth endpoints; `app.ts` maps it to an RFC 6749 body. */
export class OAuthError extends Error {
  readonly status: number;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
    status?: number,
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.status = status ?? STATUS[code];
  }
}

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function oauthErrorResponse(e: OAuthError, realm: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...NO_STORE,
    ...e.headers,
    ...NOSNIFF,
  };
  if (e.status === 401 && !headers['WWW-Authenticate'])
    headers['WWW-Authenticate'] = `Basic realm="${realm}"`;
  return completeResponse(
    JSON.stringify({ error: e.code, error_description: e.description }),
    e.status,
    headers,
  );
}
