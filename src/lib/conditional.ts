import type { Context } from 'hono';

/** A cacheable JSON response with ETag, answering 304 when the client's copy is current. */
export function cacheableJson(c: Context, body: string, etag: string, maxAge: number): Response {
  const headers = {
    'Cache-Control': `public, max-age=${maxAge}`,
    ETag: etag,
    'Content-Type': 'application/json',
  };
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers });
}
