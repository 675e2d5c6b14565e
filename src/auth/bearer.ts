/**
 * RFC 6750 for every resource keymint serves (the gateway, the management API, MCP):
 * reading the token from the Authorization header, the refusal, and its challenge.
 */
export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/**
 * A protected-resource request refused for its credentials. No `error` means the
 * request carried no bearer token at all, and its challenge names no error code
 * (RFC 6750 §3.1).
 */
export class BearerError extends Error {
  readonly status: 401 | 403;

  constructor(
    readonly error: BearerErrorCode | undefined,
    readonly description: string,
    /** For insufficient_scope: the scopes the request needs. */
    readonly scope?: string,
  ) {
    super(description);
    this.name = 'BearerError';
    this.status = error === 'insufficient_scope' ? 403 : 401;
  }
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or a BearerError saying what is wrong. */
export function bearerToken(authorization: string | undefined): string {
  if (!authorization || !/^Bearer(\s|$)/i.test(authorization)) {
    throw new BearerError(undefined, 'send an access token from /token as "Authorization: Bearer <token>"');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (!token) throw new BearerError('invalid_token', 'the Authorization header is not "Bearer <token>"');
  return token;
}

/** An RFC 9110 quoted-string. */
const quoted = (s: string) => `"${s.replace(/[\\"]/g, (m) => `\\${m}`).replace(/[^\t\x20-\x7e]/g, '')}"`;

export interface ChallengeOptions {
  /** RFC 9728: where clients find the resource's metadata (MCP). */
  resourceMetadata?: string | undefined;
  /** Scopes to name even without insufficient_scope (RFC 9728 clients read them). */
  scope?: string | undefined;
}

/** The `WWW-Authenticate` value for a refusal (or for a request with no token at all). */
export function bearerChallenge(realm: string, e?: BearerError, o: ChallengeOptions = {}): string {
  const params = [`realm=${quoted(realm)}`];
  if (o.resourceMetadata) params.push(`resource_metadata=${quoted(o.resourceMetadata)}`);
  if (e?.error) params.push(`error=${quoted(e.error)}`, `error_description=${quoted(e.description)}`);
  const scope = e?.scope ?? o.scope;
  if (scope) params.push(`scope=${quoted(scope)}`);
  return `Bearer ${params.join(', ')}`;
}
