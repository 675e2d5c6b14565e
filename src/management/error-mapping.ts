import { HTTPException } from 'hono/http-exception';
import { HasherBusyError } from '../auth/password-hasher';
import { SignInRefused } from '../auth/sign-in-refused';
import { DomainError } from '../lib/domain-error';
import { ApiError, problemResponse } from './api-error';

/** Maps anything thrown under /api/v1 to problem+json; undefined for the unexpected. */
export function apiErrorResponse(err: unknown, path: string): Response | undefined {
  if (err instanceof ApiError) return problemResponse(err, path);
  if (err instanceof DomainError)
    return problemResponse(new ApiError(err.type, err.detail, err.fields), path);
  if (err instanceof SignInRefused) {
    return problemResponse(
      err.reason === 'throttled'
        ? new ApiError('rate-limited', err.detail, [], { 'Retry-After': String(err.retryAfterSeconds) })
        : new ApiError('unauthorized', err.detail),
      path,
    );
  }
  if (err instanceof HasherBusyError) {
    return problemResponse(new ApiError('unavailable', err.message, [], { 'Retry-After': '1' }), path);
  }
  if (err instanceof HTTPException) {
    if (err.status === 415) {
      return problemResponse(
        new ApiError('unsupported-media-type', 'send the body as application/json'),
        path,
      );
    }
    if (err.status === 413)
      return problemResponse(new ApiError('payload-too-large', 'request body exceeds 64 KiB'), path);
    if (err.status === 400) {
      return problemResponse(
        new ApiError('validation', 'the request body is not valid JSON', [
          { field: 'body', message: 'malformed JSON' },
        ]),
        path,
      );
    }
  }
  return undefined;
}
