import type { Deps } from '../deps';
import { createBuiltinSchema } from './builtin-schema';
import type { GatewayOptions } from './graphql-route';

/** The gateway inside a keymint server: its own keyset, database and revocation cache. */
export function gatewayForDeps(deps: Deps): GatewayOptions {
  return {
    issuer: deps.config.issuerUrl,
    audience: deps.config.apiAudience,
    clock: deps.clock,
    getKey: deps.accessTokenKeys,
    log: deps.log,
    keysEpoch: () => deps.keyset.epoch(),
    revocations: deps.revocations,
    target: deps.config.graphqlUpstream
      ? { upstream: deps.config.graphqlUpstream }
      : { schema: createBuiltinSchema(), db: deps.db },
  };
}
