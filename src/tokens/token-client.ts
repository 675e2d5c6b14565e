import type { KeyLookup } from '../api-keys/authenticate-key';
import { keyStatus } from '../api-keys/status';
import type { Executor } from '../db/database';
import type { ApiKeyRow, FederationRow } from '../db/schema/index';
import { FEDERATION_CLIENT_ID_RE } from '../federation/federation-client-id';
import { federationStatus } from '../federation/federation-status';
import { findFederationByClientId } from '../federation/federation-store';

/** Whom a token was issued to: a key (`km_…`) or a federation (`kmf_…`). */
export type TokenClient = { kind: 'key'; row: ApiKeyRow } | { kind: 'federation'; row: FederationRow };

/** Finds the client a token names in `client_id`, or undefined when there is none. */
export type TokenClientLookup = (clientId: string) => Promise<TokenClient | undefined>;

export function createTokenClientLookup(db: Executor, keyLookup: KeyLookup): TokenClientLookup {
  return async (clientId) => {
    if (FEDERATION_CLIENT_ID_RE.test(clientId)) {
      const row = await findFederationByClientId(db, clientId);
      return row ? { kind: 'federation', row } : undefined;
    }
    const row = await keyLookup(clientId);
    return row ? { kind: 'key', row } : undefined;
  };
}

/** The client's status now: only an active key or federation may hold tokens. */
export const tokenClientStatus = (client: TokenClient, now: Date): string =>
  client.kind === 'key' ? keyStatus(client.row, now) : federationStatus(client.row);
