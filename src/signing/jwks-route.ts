import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { cacheableJson } from '../lib/conditional';
import { JWKS_MAX_AGE_SECONDS } from './lifecycle';

/** GET /.well-known/jwks.json: next, current and previous public keys. */
export const jwksRoute = new Hono<AppEnv>().get('/.well-known/jwks.json', (c) => {
  const { body, etag } = c.var.deps.keyset.jwks();
  return cacheableJson(c, body, etag, JWKS_MAX_AGE_SECONDS);
});
