import { asDomainError } from '../db/database-error';
import { domainErrorHeaders } from '../lib/domain-error-headers';
import { DOMAIN_ERROR_STATUS, type DomainErrorStatus } from '../lib/domain-error-status';

/** A body parsed with `parseBody({ all: true })`: a repeated field arrives as an array. */
export type Form = Record<string, string | File | (string | File)[]>;

/** One text field; the first value if it was sent more than once, '' if absent. */
export const str = (f: Form, name: string): string => {
  const v = f[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};

/** Every text value of a field (checkbox groups). */
export const list = (f: Form, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
};

/** A textarea's entries, split on whitespace or commas. */
export const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A refused request as the console shows it: the text, the page's status and its
 * headers (Retry-After). Anything that is not a refusal is a bug and propagates to
 * the console's error page.
 */
export function consoleRefusal(e: unknown): {
  detail: string;
  status: DomainErrorStatus;
  headers: Record<string, string>;
} {
  const known = asDomainError(e);
  if (!known) throw e;
  return {
    detail: known.detail,
    status: DOMAIN_ERROR_STATUS[known.code],
    headers: domainErrorHeaders(known),
  };
}

/**
 * The text to show beside a form or list for a refused request. A service that cannot
 * answer (the database, a throttle) is not something the form can fix: it propagates
 * to the console's error page with its own status (503 or 429) and Retry-After, as
 * anything that is not a refusal does.
 */
export function errorDetail(e: unknown): string {
  const refusal = consoleRefusal(e);
  if (refusal.status === 503 || refusal.status === 429) throw e;
  return refusal.detail;
}

/**
 * The text for a "Not found" page when `e` says the thing is missing; any other refusal
 * (the database unavailable, a throttle) propagates to the console's error page, so a
 * 503 is never shown as a 404.
 */
export function notFoundDetail(e: unknown): string {
  const known = asDomainError(e);
  if (known?.code !== 'not-found') throw e;
  return known.detail;
}
