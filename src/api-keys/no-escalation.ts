import type { Executor } from '../db/database';
import type { ApiKeyRow } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { findKey } from './find-key';
import type { KeyServiceContext } from './key-service-context';
import { grantCoversGrant } from './scopes';

/** A key acting through a token may only hand out scopes its token covers. */
export function assertMayGrant(ctx: KeyServiceContext, scopes: readonly string[]): void {
  if (ctx.actorGrant && !grantCoversGrant(ctx.actorGrant, scopes)) {
    throw new DomainError(
      'forbidden',
      'a key may only give keys scopes its own token covers (a wildcard only if its own grant holds the same or a broader one)',
    );
  }
}

/**
 * Locks a key for a change and checks, before anything else, that the acting token
 * covers its grant: a key may not even learn the state of keys stronger than itself
 * (rotating one would hand over its secret).
 */
export async function keyToChange(
  tx: Executor,
  ctx: KeyServiceContext,
  orgId: string,
  ref: string,
  verb: 'change' | 'rotate' | 'revoke' | 'delete',
): Promise<ApiKeyRow> {
  const key = await findKey(tx, orgId, ref, { forUpdate: true });
  if (ctx.actorGrant && !grantCoversGrant(ctx.actorGrant, key.scopes)) {
    throw new DomainError('forbidden', `a key may only ${verb} keys whose scopes its own token covers`);
  }
  return key;
}
