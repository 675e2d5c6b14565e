/**
 * The client id of a key imported from another issuer: the id that issuer gave it, so its
 * callers keep working unchanged. Printable ASCII without spaces (what fits a Basic header
 * and a shell argument as it is), at most 128 characters, and never in one of keymint's own
 * formats: a `km_`/`kmf_` id is keymint's (only those take the checksum shortcut on /token),
 * a `kms_` value is a secret pasted in the wrong place, and `key_` is a key's id.
 */
export const IMPORTED_CLIENT_ID_MAX = 128;

const PRINTABLE = /^[\x21-\x7e]+$/;
const KEYMINT_PREFIX = /^(kmf?|kms|key)_/i;

/** What is wrong with `id` as an imported key's client id, or undefined when nothing is. */
export function importedClientIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'must not be empty';
  if (id.length > IMPORTED_CLIENT_ID_MAX) return `must be at most ${IMPORTED_CLIENT_ID_MAX} characters`;
  if (!PRINTABLE.test(id)) return 'must be printable ASCII without spaces';
  if (KEYMINT_PREFIX.test(id))
    return 'must not start with km_, kmf_, kms_ or key_: those are keymint’s own formats (create the key instead)';
  return undefined;
}

export const isImportedClientId = (id: string): boolean => importedClientIdProblem(id) === undefined;
