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
