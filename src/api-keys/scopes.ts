import { type FieldError, fieldsError } from '../lib/domain-error';

export const ACTIONS = ['read', 'write', 'admin'] as const;

/** The built-in scope catalog: what the gateway's schema and the management API need. */
export const BUILTIN_SCOPE_CATALOG: readonly string[] = [
  'read:subjects',
  'write:subjects',
  'read:keys',
  'write:keys',
  'read:usage',
  'read:audit',
];

/** The deployment's catalog: the built-in scopes plus EXTRA_SCOPES (say, an upstream's resources). */
export const scopeCatalog = (extra: readonly string[]): string[] => [
  ...BUILTIN_SCOPE_CATALOG,
  ...extra.filter((s) => !BUILTIN_SCOPE_CATALOG.includes(s)),
];

const SCOPE_RE = /^(\*|[a-z]+):(\*|[a-z][a-z0-9_.-]*)$/;

function split(scope: string): [string, string] {
  const i = scope.indexOf(':');
  return [scope.slice(0, i), scope.slice(i + 1)];
}

/** Whether one granted pattern (`read:*`, `*:keys`, `*:*`, or concrete) covers a scope or a narrower pattern. */
function patternCovers(pattern: string, scope: string): boolean {
  const [pa, pr] = split(pattern);
  const [sa, sr] = split(scope);
  return (pa === '*' || pa === sa) && (pr === '*' || pr === sr);
}

export function grantCovers(grant: readonly string[], scope: string): boolean {
  return grant.some((p) => patternCovers(p, scope));
}

/**
 * Whether `outer` covers every entry of `inner` as written, wildcards included (no
 * escalation): `read:*` is covered by `read:*` or `*:*`, never by the read scopes of
 * today's catalog, because a wildcard also grants what the catalog gains tomorrow
 * (an EXTRA_SCOPES entry such as `admin:keys` would widen `*:keys` past its granter).
 */
export function grantCoversGrant(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.every((entry) => grantCovers(outer, entry));
}

/** The concrete catalog scopes a grant covers, in catalog order: what tokens carry. */
export function expandGrant(grant: readonly string[], catalog: readonly string[]): string[] {
  return catalog.filter((s) => grantCovers(grant, s));
}

/**
 * Validates and normalises a key's grant: `action:resource` with known actions, each
 * entry covering at least one catalog scope, de-duplicated, at least one entry.
 */
export function normaliseGrant(
  input: readonly string[],
  catalog: readonly string[],
  field = 'scopes',
): string[] {
  const errors: FieldError[] = [];
  const out: string[] = [];
  input.forEach((raw, i) => {
    const s = raw.trim();
    const m = SCOPE_RE.exec(s);
    if (!m || (m[1] !== '*' && !(ACTIONS as readonly string[]).includes(m[1] as string))) {
      errors.push({
        field: `${field}[${i}]`,
        message: `"${raw}" is not action:resource with action read, write, admin or *`,
      });
      return;
    }
    if (expandGrant([s], catalog).length === 0) {
      errors.push({
        field: `${field}[${i}]`,
        message: `"${raw}" matches no scope in the catalog (${catalog.join(', ')})`,
      });
      return;
    }
    if (!out.includes(s)) out.push(s);
  });
  if (input.length === 0) errors.push({ field, message: 'a key needs at least one scope' });
  if (errors.length > 0) throw fieldsError(errors);
  return out;
}
