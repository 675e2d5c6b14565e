import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BearerError, bearerChallenge } from '../auth/bearer';
import { asDomainError } from '../db/database-error';
import { domainErrorHeaders } from '../lib/domain-error-headers';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';
import { problemResponse } from './problem';

/**
 * The management API's one error mapping (its router's onError): every failure under
 * /api/v1 becomes a problem document; the unexpected ones are logged and answered
 * with a fixed message naming the request id.
 */
// biome-ignore lint/suspicious/noExplicitAny: any context under /api/v1 will do, whatever its variables
export function apiErrorResponse(err: unknown, c: Context<any, any, any>): Response {
  const instance = c.req.path;
  if (err instanceof BearerError) {
    return problemResponse(err.status === 403 ? 'forbidden' : 'unauthorized', err.description, {
      instance,
      headers: { 'WWW-Authenticate': bearerChallenge(c.var.deps.config.issuerUrl, err) },
    });
  }
  const known = asDomainError(err);
  if (known) {
    return problemResponse(known.code, known.detail, {
      instance,
      fields: known.fields,
      headers: domainErrorHeaders(known),
    });
  }
  // What hono's JSON validator throws before our schemas see the body.
  if (err instanceof HTTPException) {
    if (err.status === 415)
      return problemResponse('unsupported-media-type', 'send the body as application/json', { instance });
    if (err.status === 400) {
      return problemResponse('validation', 'the request body is not valid JSON', {
        instance,
        fields: [{ field: 'body', message: 'malformed JSON' }],
      });
    }
  }
  const id = reportUnexpected(c.var.deps.log, err, { method: c.req.method, path: instance });
  return problemResponse('server-error', internalErrorMessage(id), { instance });
}
