import { grantCoversGrant } from '../api-keys/scopes';
import type { Executor } from '../db/database';
import type { FederationRow } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import type { FederationServiceContext } from './federation-service-context';
import { findFederation } from './find-federation';

/**
 * A key acting through a token may only entrust a federation with scopes its token
 * covers: a federation hands out tokens with no secret, so it is a key by other means.
 */
export function assertMayEntrust(ctx: FederationServiceContext, scopes: readonly string[]): void {
  if (ctx.actorGrant && !grantCoversGrant(ctx.actorGrant, scopes)) {
    throw new DomainError(
      'forbidden',
      'a key may only give federations scopes its own token covers (a wildcard only if its own grant holds the same or a broader one)',
    );
  }
}

/**
 * Locks a federation for a change and checks, before anything else, that the acting
 * token covers its scopes: a key may not loosen, disable or remove a policy stronger
 * than itself (loosening one would let the key's holder obtain its scopes).
 */
export async function federationToChange(
  tx: Executor,
  ctx: FederationServiceContext,
  orgId: string,
  ref: string,
  verb: 'change' | 'revoke' | 'delete',
): Promise<FederationRow> {
  const row = await findFederation(tx, orgId, ref, { forUpdate: true });
  if (ctx.actorGrant && !grantCoversGrant(ctx.actorGrant, row.scopes)) {
    throw new DomainError(
      'forbidden',
      `a key may only ${verb} federations whose scopes its own token covers`,
    );
  }
  return row;
}
