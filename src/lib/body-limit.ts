import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * hono's bodyLimit, deciding from a declared Content-Length alone when there is one:
 * bodyLimit reads c.req.raw.body, which turns every Node request into a web stream
 * (a measurable cost per request). Chunked bodies are still counted by bodyLimit.
 */
export function limitBody(maxSize: number, tooLarge: (c: Context) => Response): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length || '0', 10) > maxSize ? Promise.resolve(tooLarge(c)) : next();
    }
    return streamed(c, next);
  };
}
