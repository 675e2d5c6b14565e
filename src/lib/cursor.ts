import { validationError } from './domain-error';
import { isStorableInstant } from './storable-instant';
import { isStorableText } from './storable-text';

/** Opaque keyset-pagination cursors over (timestamp, id), newest first. */
export const encodeCursor = (at: Date, id: string): string =>
  btoa(`${at.toISOString()}|${id}`).replace(/=+$/, '');

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = atob(cursor).split('|');
    const d = new Date(at ?? '');
    if (id && isStorableText(id) && isStorableInstant(d)) return { at: d, id };
  } catch {
    // fall through
  }
  throw validationError('cursor', 'is not a cursor this server returned');
}
