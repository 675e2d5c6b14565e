import type { FieldError } from '../lib/domain-error';

/** The problem types of /api/v1 (RFC 9457); the `type` URI ends in one of these. */
const STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'active-key-limit': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'server-error': 500,
  unavailable: 503,
} as const;

export type ProblemType = keyof typeof STATUS;

const TITLES: Record<ProblemType, string> = {
  validation: 'The request is invalid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'active-key-limit': 'Active key limit reached',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many requests',
  'server-error': 'Internal error',
  unavailable: 'Temporarily unavailable',
};

export const problemTypeUri = (type: ProblemType): string => `urn:keymint:problem:${type}`;

/** The one error type of the management API; `app.ts` turns it into problem+json. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = STATUS[type];
  }
}

export function problemResponse(e: ApiError, instance?: string): Response {
  const body: Record<string, unknown> = {
    type: problemTypeUri(e.type),
    title: TITLES[e.type],
    status: e.status,
    detail: e.detail,
  };
  if (instance) body.instance = instance;
  if (e.fields.length > 0) body.errors = e.fields;
  return new Response(JSON.stringify(body), {
    status: e.status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...e.headers },
  });
}
