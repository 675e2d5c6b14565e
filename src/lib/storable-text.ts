/**
 * PostgreSQL text cannot hold U+0000, and an unpaired UTF-16 surrogate has no UTF-8
 * form (drivers silently turn it into U+FFFD). Both are refused as input rather than
 * failing in the database or being stored altered.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain U+0000 or unpaired surrogate characters';
