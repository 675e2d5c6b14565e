import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { answerCacheable, type CacheableDocument, cacheableDocument } from '../lib/conditional';
import type { PublishedJwks } from './keyset';
import { JWKS_MAX_AGE_SECONDS } from './lifecycle';

/** Each load of the keyset publishes a new object: its document is made once, on first use. */
const documents = new WeakMap<PublishedJwks, CacheableDocument>();

function documentOf(published: PublishedJwks): CacheableDocument {
  let doc = documents.get(published);
  if (!doc) {
    doc = cacheableDocument(published.body, published.etag, JWKS_MAX_AGE_SECONDS);
    documents.set(published, doc);
  }
  return doc;
}

/** GET /.well-known/jwks.json: next, current and previous public keys. */
export const jwksRoute = new Hono<AppEnv>().get('/.well-known/jwks.json', (c) =>
  answerCacheable(c, documentOf(c.get('deps').keyset.jwks())),
);
