import type { DomainErrorCode } from './domain-error';

/** The HTTP status of each refusal, the same on every surface that answers over HTTP. */
export const DOMAIN_ERROR_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'active-key-limit': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  unavailable: 503,
} as const satisfies Record<DomainErrorCode, number>;

export type DomainErrorStatus = (typeof DOMAIN_ERROR_STATUS)[DomainErrorCode];
