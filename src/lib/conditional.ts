import type { Context } from 'hono';
import { completeResponse, NOSNIFF } from './complete-response';
import { requestHeader } from './request-header';

/** A cacheable JSON document, its bytes and both answers' headers made once. */
export interface CacheableDocument {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly etag: string;
  readonly fresh: Readonly<Record<string, string>>;
  readonly notModified: Readonly<Record<string, string>>;
}

/** Prepares `body` to be served many times: nothing is encoded or built per request. */
export function cacheableDocument(body: string, etag: string, maxAge: number): CacheableDocument {
  const notModified = { 'Cache-Control': `public, max-age=${maxAge}`, ETag: etag, ...NOSNIFF };
  return {
    bytes: new TextEncoder().encode(body),
    etag,
    fresh: { ...notModified, 'Content-Type': 'application/json' },
    notModified,
  };
}

/** Whether an If-None-Match value names `etag` (weak or strong) or is `*`. */
function matches(ifNoneMatch: string, etag: string): boolean {
  for (const t of ifNoneMatch.split(',')) {
    const tag = t.trim();
    if (tag === '*' || tag === etag || tag.replace(/^W\//, '') === etag) return true;
  }
  return false;
}

/** The document with its ETag, or 304 when the client's copy is current. */
export function answerCacheable(c: Context, doc: CacheableDocument): Response {
  const ifNoneMatch = requestHeader(c, 'if-none-match');
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, doc.etag))
    return completeResponse(null, 304, doc.notModified);
  return completeResponse(doc.bytes, 200, doc.fresh);
}
