import { validDisplayName } from '../lib/display-name';
import { type FieldError, fieldsError, validationError } from '../lib/domain-error';
import { parseCidr } from '../lib/ip';

/** Field rules shared by create and update, so both interfaces refuse the same things. */

export const validName = (raw: unknown): string => validDisplayName(raw);

export const MIN_TOKEN_TTL = 60;
export const MAX_TOKEN_TTL = 3600;

export function validTokenTtl(raw: number | null | undefined): number | null {
  if (raw === undefined || raw === null) return null;
  if (!Number.isInteger(raw) || raw < MIN_TOKEN_TTL || raw > MAX_TOKEN_TTL) {
    throw validationError(
      'tokenTtlSeconds',
      `must be a whole number of seconds from ${MIN_TOKEN_TTL} to ${MAX_TOKEN_TTL}`,
    );
  }
  return raw;
}

export const MAX_CIDRS = 100;

/** Normalises CIDRs (`10.0.0.1` → `10.0.0.1/32`), refusing malformed ones and set host bits. */
export function validCidrs(raw: readonly string[] | undefined): string[] {
  if (!raw) return [];
  if (raw.length > MAX_CIDRS) throw validationError('allowedCidrs', `at most ${MAX_CIDRS} entries`);
  const errors: FieldError[] = [];
  const out: string[] = [];
  raw.forEach((text, i) => {
    const c = typeof text === 'string' ? parseCidr(text) : null;
    if (!c) {
      errors.push({
        field: `allowedCidrs[${i}]`,
        message: `"${text}" is not an IPv4 or IPv6 CIDR with a clear host part (e.g. 203.0.113.0/24)`,
      });
    } else if (!out.includes(c.text)) out.push(c.text);
  });
  if (errors.length > 0) throw fieldsError(errors);
  return out;
}
