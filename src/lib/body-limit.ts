import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from './domain-error';
import { requestHeader } from './request-header';

/** The largest request body any keymint surface reads. */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (): never => {
  throw new DomainError('payload-too-large', 'the request body exceeds 64 KiB');
};

/**
 * Refuses bodies over MAX_BODY_BYTES before reading them in full, as a domain error
 * each surface answers in its own format. A declared Content-Length decides alone:
 * hono's bodyLimit reads c.req.raw.body, which turns every Node request into a web
 * stream (a measurable cost per request); chunked bodies are still counted by it.
 */
export function limitBody(maxSize = MAX_BODY_BYTES): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = requestHeader(c, 'content-length');
    if (length !== undefined && requestHeader(c, 'transfer-encoding') === undefined) {
      if (Number.parseInt(length || '0', 10) > maxSize) tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}
