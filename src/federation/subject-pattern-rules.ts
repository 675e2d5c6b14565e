import { validationError } from '../lib/domain-error';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';
import { hasControlCharacter } from './federation-fields';

export const SUBJECT_PATTERN_MAX = 512;

/**
 * A subject pattern as saved: `:`-separated parts, none empty, `*` alone or within a
 * part, and at least one part that is not only wildcards (`*:*` looks like a rule but
 * admits anyone; no pattern at all says so honestly). Empty or absent means none.
 */
export function validSubjectPattern(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > SUBJECT_PATTERN_MAX) {
    throw validationError('subject', `must be a pattern of at most ${SUBJECT_PATTERN_MAX} characters`);
  }
  if (!isStorableText(raw)) throw validationError('subject', UNSTORABLE_TEXT_MESSAGE);
  if (hasControlCharacter(raw)) {
    throw validationError('subject', 'must not contain control characters');
  }
  if (raw.trim() !== raw) throw validationError('subject', 'must not begin or end with whitespace');
  const parts = raw.split(':');
  if (parts.some((p) => p.length === 0)) {
    throw validationError('subject', 'has an empty part: no "::" and no ":" at either end');
  }
  if (parts.every((p) => /^\*+$/.test(p))) {
    throw validationError(
      'subject',
      'is only wildcards, so it would admit any subject; pin a part (e.g. repo:acme/api:ref:refs/heads/main) or leave it empty',
    );
  }
  return raw;
}
