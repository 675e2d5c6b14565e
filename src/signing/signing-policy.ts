import { MAX_TOKEN_TTL } from '../api-keys/key-fields';
import type { Config } from '../config';
import { JWKS_MAX_AGE_SECONDS, type SigningPolicy } from './lifecycle';

export const signingPolicy = (config: Config): SigningPolicy => ({
  alg: config.signingAlg,
  rotationDays: config.signingKeyRotationDays,
  jwksMaxAgeSeconds: JWKS_MAX_AGE_SECONDS,
  maxTokenTtlSeconds: Math.max(MAX_TOKEN_TTL, config.tokenTtlSeconds),
});
