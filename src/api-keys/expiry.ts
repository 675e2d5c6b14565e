import type { OrgRow } from '../db/schema/index';
import { validationError } from '../lib/domain-error';
import { isStorableInstant, UNSTORABLE_INSTANT_MESSAGE } from '../lib/storable-instant';

export const EXPIRY_PRESETS = { '30d': 30, '60d': 60, '90d': 90, '180d': 180, '1y': 365 } as const;
export const EXPIRY_CHOICES: readonly string[] = [...Object.keys(EXPIRY_PRESETS), 'never'];

const DAY_MS = 86_400_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface ExpiryInput {
  expiresIn?: string | undefined;
  expiresAt?: string | undefined;
}

/**
 * Resolves a key's expiry: a preset, `never`, or an RFC 3339 instant in the future;
 * the org's default (90 days) when neither is given; within the org's policy.
 */
export function resolveExpiry(input: ExpiryInput, org: OrgRow, now: Date): Date | null {
  if (input.expiresIn !== undefined && input.expiresAt !== undefined) {
    throw validationError('expiresAt', 'give expiresIn or expiresAt, not both');
  }
  let at: Date | null;
  let field = 'expiresIn';
  if (input.expiresAt !== undefined) {
    field = 'expiresAt';
    const t = Date.parse(input.expiresAt);
    if (!RFC3339.test(input.expiresAt) || Number.isNaN(t)) {
      throw validationError('expiresAt', 'must be an RFC 3339 date-time such as 2027-01-31T00:00:00Z');
    }
    if (t <= now.getTime()) throw validationError('expiresAt', 'must be in the future');
    at = new Date(t);
    // 9999-12-31T23:59:59-23:59 is a year-10000 instant in UTC.
    if (!isStorableInstant(at)) throw validationError('expiresAt', UNSTORABLE_INSTANT_MESSAGE);
  } else if (input.expiresIn === undefined) {
    at = new Date(now.getTime() + org.defaultExpiryDays * DAY_MS);
  } else if (input.expiresIn === 'never') {
    if (!org.allowNeverExpiry)
      throw validationError('expiresIn', 'this organisation requires keys to expire');
    at = null;
  } else {
    const days = EXPIRY_PRESETS[input.expiresIn as keyof typeof EXPIRY_PRESETS];
    if (days === undefined) throw validationError('expiresIn', `must be one of ${EXPIRY_CHOICES.join(', ')}`);
    at = new Date(now.getTime() + days * DAY_MS);
  }
  if (org.maxExpiryDays !== null) {
    const cap = now.getTime() + org.maxExpiryDays * DAY_MS;
    if (at === null || at.getTime() > cap) {
      throw validationError(field, `this organisation allows keys to live at most ${org.maxExpiryDays} days`);
    }
  }
  return at;
}
