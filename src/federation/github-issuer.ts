/** GitHub Actions' OIDC issuer: the one FEDERATION_ISSUERS trusts unless told otherwise. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Claims a federation for GitHub must pin: names can be deleted and re-registered by
 * someone else, numeric ids never come back.
 */
export const GITHUB_REQUIRED_CLAIMS = ['repository_id', 'repository_owner_id'] as const;

/**
 * GitHub's default `aud` is `https://github.com/<owner>`: every job of that owner's
 * repositories gets such a token for any third party that asks, so a policy accepting
 * it would accept tokens minted for someone else.
 */
export const isGithubDefaultAudience = (audience: string): boolean =>
  /^https?:\/\/(www\.)?github\.com\/[^/]+\/?$/i.test(audience);
