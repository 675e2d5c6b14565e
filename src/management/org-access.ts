import type { Context } from 'hono';
import type { KeyServiceContext } from '../api-keys/key-service-context';
import { requestMeta } from '../audit/request-meta';
import { BearerError } from '../auth/bearer';
import type { OrgRow } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { findOrg } from '../orgs/find-org';
import type { ApiEnv } from './caller';

/** What a route needs: a scope for tokens; for users, `write:*` and `admin` need the admin role. */
export type Permission = 'read:keys' | 'write:keys' | 'read:usage' | 'read:audit' | 'admin';

export interface OrgAccess {
  org: OrgRow;
  ctx: KeyServiceContext;
}

/**
 * Resolves `{org}` for the caller and checks the permission. An organisation the
 * caller does not belong to answers exactly like one that does not exist (404).
 */
export async function orgAccess(c: Context<ApiEnv>, orgRef: string, need: Permission): Promise<OrgAccess> {
  const deps = c.var.deps;
  const caller = c.var.caller;
  const notFound = new DomainError('not-found', `no organisation "${orgRef}"`);
  let org: OrgRow;
  try {
    org = await findOrg(deps.db, orgRef);
  } catch {
    throw notFound;
  }
  if (caller.kind === 'key') {
    if (caller.orgId !== org.id) throw notFound;
    if (need === 'admin')
      throw new DomainError('forbidden', 'organisation settings are changed by an org admin in the console');
    if (!caller.scopes.includes(need))
      throw new BearerError('insufficient_scope', `this token lacks the ${need} scope`, need);
  } else {
    const role = caller.roles.get(org.id);
    if (!role) throw notFound;
    if ((need === 'admin' || need.startsWith('write:')) && role !== 'admin') {
      throw new DomainError('forbidden', 'only organisation admins may do this');
    }
  }
  return {
    org,
    ctx: {
      db: deps.db,
      now: deps.clock.now(),
      catalog: deps.catalog,
      actor: caller.actor,
      meta: requestMeta(c),
      ...(caller.kind === 'key' ? { actorGrant: caller.scopes } : {}),
    },
  };
}
