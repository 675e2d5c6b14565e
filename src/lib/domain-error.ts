/**
 * Every reason keymint refuses a request, whatever the surface. Services throw
 * DomainError with one of these codes; each surface (OAuth endpoints, the management
 * API, the gateway, the console, the CLI, MCP) maps them once, in its own router.
 * The codes are stable: the management API's problem `type` ends in them.
 */
export type DomainErrorCode =
  /** Input breaks a rule; `fields` names each bad field. */
  | 'validation'
  /** The caller is not signed in, or its credentials are wrong. */
  | 'unauthorized'
  /** The caller is known but may not do this. */
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  /** The request contradicts the current state (a slug taken, a key not yet revoked). */
  | 'conflict'
  | 'active-key-limit'
  | 'payload-too-large'
  | 'unsupported-media-type'
  /** Too many attempts; `retryAfter` says when to try again. */
  | 'rate-limited'
  /** A dependency (the database, the password hasher) cannot answer now; `retryAfter` says when to retry. */
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  fields?: FieldError[] | undefined;
  /** Seconds after which a retry may succeed (rate-limited, unavailable). */
  retryAfter?: number | undefined;
  /** For method-not-allowed: the methods the resource has. */
  allowed?: string[] | undefined;
  /** What caused it (a driver error), for the log only: never shown to a caller. */
  cause?: unknown;
}

export class DomainError extends Error {
  readonly fields: FieldError[];
  readonly retryAfter: number | undefined;
  readonly allowed: string[] | undefined;

  constructor(
    readonly code: DomainErrorCode,
    readonly detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.fields = options.fields ?? [];
    this.retryAfter = options.retryAfter;
    this.allowed = options.allowed;
  }
}

export const validationError = (field: string, message: string): DomainError =>
  new DomainError('validation', `${field}: ${message}`, { fields: [{ field, message }] });

/** One validation problem naming every bad field, in the order given. */
export const fieldsError = (errors: FieldError[]): DomainError =>
  new DomainError('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    fields: errors,
  });

/**
 * Runs every field check even after one fails, so a single answer names all the bad
 * fields instead of one per round trip. Other errors pass through at once.
 */
export function checkFields<T extends Record<string, () => unknown>>(
  checks: T,
): { [K in keyof T]: ReturnType<T[K]> } {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, check] of Object.entries(checks)) {
    try {
      out[name] = check();
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'validation')) throw e;
      errors.push(...e.fields);
    }
  }
  if (errors.length > 0) throw fieldsError(errors);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}
