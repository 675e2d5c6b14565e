import type { DomainErrorCode, FieldError } from '../lib/domain-error';
import { DOMAIN_ERROR_STATUS } from '../lib/domain-error-status';

/** The problem types of /api/v1 (RFC 9457): the domain codes plus the fixed server error. */
export type ProblemType = DomainErrorCode | 'server-error';

const STATUS: Record<ProblemType, number> = { ...DOMAIN_ERROR_STATUS, 'server-error': 500 };

const TITLES: Record<ProblemType, string> = {
  validation: 'The request is invalid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'active-key-limit': 'Active key limit reached',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many requests',
  'server-error': 'Internal error',
  unavailable: 'Temporarily unavailable',
};

export const problemTypeUri = (type: ProblemType): string => `urn:keymint:problem:${type}`;

export interface ProblemOptions {
  instance?: string | undefined;
  fields?: FieldError[] | undefined;
  headers?: Record<string, string> | undefined;
}

/** An `application/problem+json` answer. */
export function problemResponse(type: ProblemType, detail: string, o: ProblemOptions = {}): Response {
  const status = STATUS[type];
  const body: Record<string, unknown> = { type: problemTypeUri(type), title: TITLES[type], status, detail };
  if (o.instance) body.instance = o.instance;
  if (o.fields && o.fields.length > 0) body.errors = o.fields;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...o.headers },
  });
}
