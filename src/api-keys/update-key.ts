import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { checkFields, DomainError } from '../lib/domain-error';
import { validCidrs, validName, validTokenTtl } from './key-fields';
import type { KeyServiceContext } from './key-service-context';
import { assertMayGrant, keyToChange } from './no-escalation';
import { normaliseGrant } from './scopes';
import { keyStatus } from './status';

export interface UpdateKeyInput {
  name?: string | undefined;
  scopes?: string[] | undefined;
  allowedCidrs?: string[] | undefined;
  tokenTtlSeconds?: number | null | undefined;
  enabled?: boolean | undefined;
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Renames, re-scopes, re-limits, disables or enables a key; each change is audited
 * on its own. Revoked and expired keys cannot change.
 */
export async function updateKey(
  ctx: KeyServiceContext,
  orgId: string,
  ref: string,
  input: UpdateKeyInput,
): Promise<ApiKeyRow> {
  const { name, scopes, cidrs, ttl } = checkFields({
    name: () => (input.name === undefined ? undefined : validName(input.name)),
    scopes: () => (input.scopes === undefined ? undefined : normaliseGrant(input.scopes, ctx.catalog)),
    cidrs: () => (input.allowedCidrs === undefined ? undefined : validCidrs(input.allowedCidrs)),
    ttl: () => (input.tokenTtlSeconds === undefined ? undefined : validTokenTtl(input.tokenTtlSeconds)),
  });
  if (scopes) assertMayGrant(ctx, scopes);
  return publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await keyToChange(tx, ctx, orgId, ref, 'change');
    const status = keyStatus(current, ctx.now);
    if (status === 'revoked' || status === 'expired') {
      throw new DomainError('conflict', `key ${current.clientId} is ${status} and cannot be changed`);
    }
    const events: { action: string; details: Record<string, unknown> }[] = [];
    const set: Partial<ApiKeyRow> = {};
    if (name !== undefined && name !== current.name) {
      set.name = name;
      events.push({ action: 'key.renamed', details: { from: current.name, to: name } });
    }
    if (scopes && !same(scopes, current.scopes)) {
      set.scopes = scopes;
      events.push({ action: 'key.scopes_changed', details: { from: current.scopes, to: scopes } });
    }
    if (cidrs && !same(cidrs, current.allowedCidrs)) {
      set.allowedCidrs = cidrs;
      events.push({
        action: 'key.allowed_cidrs_changed',
        details: { from: current.allowedCidrs, to: cidrs },
      });
    }
    if (ttl !== undefined && ttl !== current.tokenTtlSeconds) {
      set.tokenTtlSeconds = ttl;
      events.push({ action: 'key.token_ttl_changed', details: { from: current.tokenTtlSeconds, to: ttl } });
    }
    if (input.enabled !== undefined && input.enabled !== current.enabled) {
      set.enabled = input.enabled;
      events.push({ action: input.enabled ? 'key.enabled' : 'key.disabled', details: {} });
    }
    if (events.length === 0) return current;
    const [row] = await tx.update(apiKeys).set(set).where(eq(apiKeys.id, current.id)).returning();
    if (!row) throw new Error('update returned no row');
    // Instances cache key rows for /token and the gateway: any change (a disable, a
    // re-enable, new scopes, ranges or lifetime) must reach them before this answers.
    await announce();
    for (const e of events) {
      await recordAudit(tx, ctx.now, {
        orgId,
        action: e.action,
        actor: ctx.actor,
        target: { type: 'key', id: row.id },
        meta: ctx.meta,
        details: { clientId: row.clientId, ...e.details },
      });
    }
    return row;
  });
}
