/**
 * A rule refused the request. Services throw it; each interface maps it once: the
 * management API to problem+json, the CLI to a one-line message, MCP to a tool error.
 */
export type DomainErrorType = 'validation' | 'not-found' | 'forbidden' | 'conflict' | 'active-key-limit';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly type: DomainErrorType,
    readonly detail: string,
    readonly fields: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const validationError = (field: string, message: string): DomainError =>
  new DomainError('validation', `${field}: ${message}`, [{ field, message }]);

/** One validation problem naming every bad field, in the order given. */
export const fieldsError = (errors: FieldError[]): DomainError =>
  new DomainError('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);

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
      if (!(e instanceof DomainError && e.type === 'validation')) throw e;
      errors.push(...e.fields);
    }
  }
  if (errors.length > 0) throw fieldsError(errors);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}
