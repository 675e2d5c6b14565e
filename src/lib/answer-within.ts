import type { MiddlewareHandler } from 'hono';
import { DomainError } from './domain-error';

/** Every request that needs the database is answered within this once it has arrived. */
export const ANSWER_WITHIN_MS = 4000;

const utf8 = new TextDecoder();
const TEXT = Symbol('text');
const JSON_BODY = Symbol('json');

interface SharedBody {
  arrayBuffer?: Promise<ArrayBuffer>;
  readonly text?: Promise<string>;
  [TEXT]?: Promise<string>;
  [JSON_BODY]?: Promise<unknown>;
}

/**
 * What a request's body cache inherits: c.req.text() and c.req.json() made from the
 * bytes read here. Left to itself, hono makes any other form of a body it has cached
 * through a new Response, a web stream per request (a quarter of the gateway's CPU over
 * its unauthenticated baseline). The getters are not enumerable: hono converts from the
 * first enumerable entry, which stays the bytes.
 */
const BODY_FORMS: object = Object.defineProperties(
  {},
  {
    text: {
      get(this: SharedBody) {
        this[TEXT] ??= (this.arrayBuffer as Promise<ArrayBuffer>).then((b) => utf8.decode(b));
        return this[TEXT];
      },
    },
    json: {
      get(this: SharedBody) {
        this[JSON_BODY] ??= (this.text as Promise<string>).then((t) => JSON.parse(t));
        return this[JSON_BODY];
      },
    },
  },
);

/**
 * Answers 503 `unavailable` (through the surface's own error mapping) when the handler
 * has not finished in time: a database that accepts connections but never answers
 * would otherwise hold the caller until TCP gives up. The clock starts once the body
 * has arrived (a slow upload is the client's time, bounded by the server's request
 * timeout), so the body is read here first; handlers read it again from hono's cache.
 * The handler keeps running; what it answers later is dropped. A write that was slow,
 * not lost, may still complete — as with any timeout, the caller reads it back.
 */
export function answerWithin(ms = ANSWER_WITHIN_MS): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      try {
        c.req.bodyCache = Object.create(BODY_FORMS);
        await c.req.arrayBuffer();
      } catch {
        // The client went away or broke the framing; nobody is left to answer.
        throw new DomainError('validation', 'the request body could not be read in full');
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    // next() rejecting is handled by the router's compose; settle either way here.
    const done = next().then(
      () => 'done' as const,
      () => 'done' as const,
    );
    const outcome = await Promise.race([done, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      throw new DomainError('unavailable', 'the server could not answer in time; retry shortly', {
        retryAfter: 5,
      });
    }
  };
}
