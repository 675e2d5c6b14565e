import type { DomainError } from './domain-error';

/** The HTTP headers a refusal implies on every surface: Retry-After, and Allow for a 405. */
export function domainErrorHeaders(e: DomainError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) headers['Retry-After'] = String(e.retryAfter);
  if (e.allowed) headers.Allow = e.allowed.join(', ');
  return headers;
}
