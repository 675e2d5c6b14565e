import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { BearerError, bearerChallenge } from '../auth/bearer';
import { asDomainError } from '../db/database-error';
import type { DomainError } from '../lib/domain-error';
import { domainErrorHeaders } from '../lib/domain-error-headers';
import { DOMAIN_ERROR_STATUS } from '../lib/domain-error-status';
import type { Log } from '../lib/log';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';

/**
 * A request the gateway refuses as GraphQL-over-HTTP: a body that is not a GraphQL
 * request, an abusive document, an upstream that failed. `code` goes to
 * `errors[].extensions.code`, which clients branch on.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** VALIDATION, NOT_FOUND, UNAVAILABLE…: the domain code as GraphQL clients spell codes. */
export const graphqlCode = (e: DomainError): string => e.code.toUpperCase().replace(/-/g, '_');

const body = (message: string, code: string) =>
  JSON.stringify({ errors: [{ message, extensions: { code } }] });

export interface GatewayErrorContext {
  realm: string;
  log: Log;
  method: string;
  path: string;
}

/**
 * The gateway's one error mapping (its router's onError): every failure is a GraphQL
 * response body; credentials failures carry their RFC 6750 challenge; anything
 * unexpected is logged and answered with the request id, nothing internal.
 */
export function gatewayErrorResponse(err: unknown, o: GatewayErrorContext): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (err instanceof BearerError) {
    headers['WWW-Authenticate'] = bearerChallenge(o.realm, err);
    const code = err.error ? err.error.toUpperCase() : 'UNAUTHENTICATED';
    return new Response(body(err.description, code), { status: err.status, headers });
  }
  if (err instanceof GatewayError)
    return new Response(body(err.message, err.code), { status: err.status, headers });
  const known = asDomainError(err);
  if (known) {
    return new Response(body(known.detail, graphqlCode(known)), {
      status: DOMAIN_ERROR_STATUS[known.code],
      headers: { ...headers, ...domainErrorHeaders(known) },
    });
  }
  const id = reportUnexpected(o.log, err, o);
  return new Response(body(internalErrorMessage(id), 'INTERNAL_SERVER_ERROR'), { status: 500, headers });
}

/**
 * Resolver failures as the caller may see them: a rule's refusal keeps its words and
 * code; GraphQL's own errors (unknown variables, coercion) stay as they are; anything
 * else — a driver's message with SQL and parameters — becomes a logged internal error.
 */
export function formatExecutionErrors(
  errors: readonly GraphQLError[],
  o: Omit<GatewayErrorContext, 'realm'>,
): GraphQLFormattedError[] {
  return errors.map((e) => {
    const original = e.originalError;
    const where = { ...(e.locations ? { locations: e.locations } : {}), ...(e.path ? { path: e.path } : {}) };
    if (!original || original.name === 'GraphQLError') return e.toJSON();
    const known = asDomainError(original);
    if (known) return { message: known.detail, ...where, extensions: { code: graphqlCode(known) } };
    const id = reportUnexpected(o.log, original, o);
    return { message: internalErrorMessage(id), ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  });
}
