import { eq } from 'drizzle-orm';
import { validName, validTokenTtl } from '../api-keys/key-fields';
import { normaliseGrant } from '../api-keys/scopes';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { type FederationRow, federations } from '../db/schema/index';
import { checkFields, DomainError } from '../lib/domain-error';
import { validAudience, validClaims } from './federation-fields';
import type { FederationServiceContext } from './federation-service-context';
import { assertMayEntrust, federationToChange } from './federation-to-change';
import { validSubjectPattern } from './subject-pattern-rules';

/** What may change; the issuer may not (a policy for another issuer is another policy). */
export interface UpdateFederationInput {
  name?: string | undefined;
  audience?: string | undefined;
  /** null removes the pattern (any subject, the pinned claims deciding). */
  subject?: string | null | undefined;
  claims?: Record<string, string> | undefined;
  scopes?: string[] | undefined;
  tokenTtlSeconds?: number | null | undefined;
  enabled?: boolean | undefined;
}

type Field = 'name' | 'audience' | 'subject' | 'claims' | 'scopes' | 'tokenTtlSeconds';

/** Equal values; objects compare by sorted keys, as jsonb keeps its own key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * Changes a federation's policy, disables or enables it. One `federation.updated`
 * event names every changed field with its old and new value; disabling and enabling
 * are events of their own. A revoked federation cannot change.
 */
export async function updateFederation(
  ctx: FederationServiceContext,
  orgId: string,
  ref: string,
  input: UpdateFederationInput,
): Promise<FederationRow> {
  const checked = checkFields({
    name: () => (input.name === undefined ? undefined : validName(input.name)),
    // An audience is replaced, never removed: a policy always names exactly one.
    audience: () =>
      input.audience === undefined ? undefined : validAudience(input.audience, ctx.defaultAudience),
    subject: () => (input.subject === undefined ? undefined : validSubjectPattern(input.subject)),
    scopes: () => (input.scopes === undefined ? undefined : normaliseGrant(input.scopes, ctx.catalog)),
    tokenTtlSeconds: () =>
      input.tokenTtlSeconds === undefined ? undefined : validTokenTtl(input.tokenTtlSeconds),
  });
  if (checked.scopes) assertMayEntrust(ctx, checked.scopes);
  return publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await federationToChange(tx, ctx, orgId, ref, 'change');
    if (current.revokedAt) {
      throw new DomainError('conflict', `federation ${current.clientId} is revoked and cannot be changed`);
    }
    // Claims are checked against the federation's own issuer (GitHub's needs its ids).
    const claims = input.claims === undefined ? undefined : validClaims(input.claims, current.issuer);
    const wanted: Record<Field, unknown> = { ...checked, claims };
    const set: Partial<FederationRow> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, to] of Object.entries(wanted) as [Field, unknown][]) {
      if (to === undefined || same(to, current[field])) continue;
      changes[field] = { from: current[field], to };
      Object.assign(set, { [field]: to });
    }
    const toggled = input.enabled !== undefined && input.enabled !== current.enabled;
    if (toggled) set.enabled = input.enabled as boolean;
    if (Object.keys(set).length === 0) return current;
    const [row] = await tx.update(federations).set(set).where(eq(federations.id, current.id)).returning();
    if (!row) throw new Error('update returned no row');
    await announce();
    const audit = (action: string, details: Record<string, unknown>) =>
      recordAudit(tx, ctx.now, {
        orgId,
        action,
        actor: ctx.actor,
        target: { type: 'federation', id: row.id },
        meta: ctx.meta,
        details: { clientId: row.clientId, ...details },
      });
    if (Object.keys(changes).length > 0) await audit('federation.updated', { changes });
    if (toggled) await audit(row.enabled ? 'federation.enabled' : 'federation.disabled', {});
    return row;
  });
}
