import { DomainError, type FieldError, fieldsError, validationError } from '../lib/domain-error';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';
import { GITHUB_ISSUER, GITHUB_REQUIRED_CLAIMS, isGithubDefaultAudience } from './github-issuer';

/** Field rules shared by create and update, so every interface refuses the same things. */

/** Federations an organisation may hold that are active or disabled. */
export const MAX_FEDERATIONS_PER_ORG = 20;
export const AUDIENCE_MAX = 256;
export const CLAIM_VALUE_MAX = 256;

/**
 * The claims a policy may pin, all of them GitHub's. Each is compared as an exact
 * string; the ids are what identifies a repository for good.
 */
export const FEDERATION_CLAIM_NAMES = [
  'repository_id',
  'repository_owner_id',
  'repository',
  'repository_owner',
  'ref',
  'ref_type',
  'environment',
  'workflow_ref',
  'job_workflow_ref',
  'event_name',
  'actor_id',
] as const;
export type FederationClaimName = (typeof FEDERATION_CLAIM_NAMES)[number];

const ID_CLAIMS: readonly string[] = ['repository_id', 'repository_owner_id', 'actor_id'];
/** C0 controls and DEL: never part of a claim, an audience or a subject anyone means. */
export const hasControlCharacter = (text: string): boolean =>
  [...text].some((ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });

const DIGITS = /^[1-9][0-9]{0,19}$/;

/** A trusted issuer, written as FEDERATION_ISSUERS lists it (a trailing slash is ignored). */
export function validIssuer(raw: unknown, trusted: readonly string[]): string {
  const issuer = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : '';
  if (!issuer) throw validationError('issuer', 'is required: the OIDC issuer whose ID tokens are accepted');
  if (!trusted.includes(issuer)) {
    throw validationError(
      'issuer',
      `is not an issuer this server trusts; FEDERATION_ISSUERS allows ${trusted.join(', ') || 'none'}`,
    );
  }
  return issuer;
}

/** One audience (the ID token's `aud` must be exactly it); ISSUER_URL when none is given. */
export function validAudience(raw: unknown, fallback: string): string {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > AUDIENCE_MAX) {
    throw validationError('audience', `must be one audience of 1–${AUDIENCE_MAX} characters`);
  }
  if (!isStorableText(raw)) throw validationError('audience', UNSTORABLE_TEXT_MESSAGE);
  if (/[\s,]/.test(raw) || hasControlCharacter(raw)) {
    throw validationError(
      'audience',
      'must be a single audience, without spaces, commas or control characters',
    );
  }
  if (isGithubDefaultAudience(raw)) {
    throw validationError(
      'audience',
      'GitHub’s default audience (https://github.com/<owner>) is given to any party that asks; use this server’s own URL (the default)',
    );
  }
  return raw;
}

/** Shapes GitHub gives its claims, so a pin that could never match is refused when saved. */
const GITHUB_SHAPES: Partial<Record<FederationClaimName, [RegExp, string]>> = {
  repository: [/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, e.g. acme/api'],
  repository_owner: [/^[A-Za-z0-9_.-]+$/, 'must be an account name, e.g. acme'],
  ref: [/^refs\/\S+$/, 'must be a full ref as GitHub sends it, e.g. refs/heads/main or refs/tags/v1'],
  ref_type: [/^(branch|tag)$/, 'must be branch or tag'],
  workflow_ref: [
    /^[^/@\s]+\/[^/@\s]+\/\S+@refs\/\S+$/,
    'must be owner/repo/path@ref, e.g. acme/api/.github/workflows/deploy.yml@refs/heads/main',
  ],
  job_workflow_ref: [
    /^[^/@\s]+\/[^/@\s]+\/\S+@refs\/\S+$/,
    'must be owner/repo/path@ref, e.g. acme/shared/.github/workflows/release.yml@refs/heads/main',
  ],
  event_name: [/^[a-z_]+$/, 'must be an event name such as push or workflow_dispatch'],
};

function validClaimValue(name: FederationClaimName, raw: unknown, github: boolean): string {
  const field = `claims.${name}`;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CLAIM_VALUE_MAX) {
    throw validationError(field, `must be a string of 1–${CLAIM_VALUE_MAX} characters`);
  }
  if (!isStorableText(raw)) throw validationError(field, UNSTORABLE_TEXT_MESSAGE);
  if (hasControlCharacter(raw)) throw validationError(field, 'must not contain control characters');
  if (raw.trim() !== raw) throw validationError(field, 'must not begin or end with whitespace');
  if (raw.includes('*')) {
    throw validationError(
      field,
      'is compared exactly, so * is no wildcard here; patterns belong in the subject',
    );
  }
  if (ID_CLAIMS.includes(name) && !DIGITS.test(raw)) {
    throw validationError(field, 'must be a numeric id in decimal digits, e.g. 123456789');
  }
  const shape = github ? GITHUB_SHAPES[name] : undefined;
  if (shape && !shape[0].test(raw)) throw validationError(field, shape[1]);
  return raw;
}

/**
 * The pinned claims, in a fixed order (the names' order above, as the database's jsonb
 * keeps none), each checked; a federation for GitHub must pin both numeric ids.
 */
export function validClaims(raw: unknown, issuer: string | undefined): Record<string, string> {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw validationError('claims', 'must be an object of claim names to exact values');
  }
  const input = raw as Record<string, unknown>;
  const github = issuer === GITHUB_ISSUER;
  const errors: FieldError[] = [];
  for (const name of Object.keys(input)) {
    if (!(FEDERATION_CLAIM_NAMES as readonly string[]).includes(name)) {
      errors.push({
        field: isStorableText(name) && name.length <= 100 ? `claims.${name}` : 'claims',
        message: `is not a claim a policy can pin; one of ${FEDERATION_CLAIM_NAMES.join(', ')}`,
      });
    }
  }
  const out: Record<string, string> = {};
  for (const name of FEDERATION_CLAIM_NAMES) {
    if (!Object.hasOwn(input, name)) {
      if (github && (GITHUB_REQUIRED_CLAIMS as readonly string[]).includes(name)) {
        errors.push({
          field: `claims.${name}`,
          message:
            'is required for GitHub: open https://api.github.com/repos/OWNER/REPO and copy id (repository_id) and owner.id (repository_owner_id)',
        });
      }
      continue;
    }
    try {
      out[name] = validClaimValue(name, input[name], github);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      errors.push(...e.fields);
    }
  }
  if (errors.length > 0) throw fieldsError(errors);
  return out;
}
