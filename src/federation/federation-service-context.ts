import type { KeyServiceContext } from '../api-keys/key-service-context';

/** The key services' context plus what federation policies are checked against. */
export interface FederationServiceContext extends KeyServiceContext {
  /** FEDERATION_ISSUERS: the only issuers a policy may name. */
  issuers: readonly string[];
  /** ISSUER_URL: the audience a policy gets when it names none. */
  defaultAudience: string;
}

export const federationContext = (
  ctx: KeyServiceContext,
  config: { federationIssuers: readonly string[]; issuerUrl: string },
): FederationServiceContext => ({
  ...ctx,
  issuers: config.federationIssuers,
  defaultAudience: config.issuerUrl,
});
