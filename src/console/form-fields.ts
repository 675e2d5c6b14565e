import { SignInRefused } from '../auth/sign-in-refused';
import { DomainError } from '../lib/domain-error';

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

/** The text to show for a refused request; anything else is a bug and propagates. */
export const errorDetail = (e: unknown): string => {
  if (e instanceof DomainError || e instanceof SignInRefused) return e.detail;
  throw e;
};
