import { validationError } from './domain-error';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './storable-text';

/** Keys, organisations and subjects are named with 1 to NAME_MAX characters. */
export const NAME_MAX = 100;

/** A trimmed display name, or a validation error on `field`. */
export function validDisplayName(raw: unknown, field = 'name'): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name.length < 1 || name.length > NAME_MAX)
    throw validationError(field, `must be 1–${NAME_MAX} characters`);
  if (!isStorableText(name)) throw validationError(field, UNSTORABLE_TEXT_MESSAGE);
  return name;
}
