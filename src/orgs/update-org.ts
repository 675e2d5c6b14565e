import { eq } from 'drizzle-orm';
import type { Actor, RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { type OrgRow, orgs } from '../db/schema/index';
import { validDisplayName } from '../lib/display-name';
import { DomainError, validationError } from '../lib/domain-error';

export interface OrgSettingsInput {
  name?: string | undefined;
  maxActiveKeys?: number | undefined;
  defaultExpiryDays?: number | undefined;
  maxExpiryDays?: number | null | undefined;
  allowNeverExpiry?: boolean | undefined;
}

const days = (field: string, v: number) => {
  if (!Number.isInteger(v) || v < 1 || v > 3650)
    throw validationError(field, 'must be a whole number of days from 1 to 3650');
  return v;
};

/** Changes an organisation's name and key policy; the policy must stay self-consistent. */
export async function updateOrg(
  db: Db,
  now: Date,
  actor: Actor,
  orgId: string,
  input: OrgSettingsInput,
  meta?: RequestMeta,
): Promise<OrgRow> {
  return db.transaction(async (tx) => {
    const [org] = await tx.select().from(orgs).where(eq(orgs.id, orgId)).for('update');
    if (!org) throw new DomainError('not-found', 'no such organisation');
    const next = { ...org };
    if (input.name !== undefined) {
      next.name = validDisplayName(input.name);
    }
    if (input.maxActiveKeys !== undefined) {
      if (!Number.isInteger(input.maxActiveKeys) || input.maxActiveKeys < 1 || input.maxActiveKeys > 1000) {
        throw validationError('maxActiveKeys', 'must be a whole number from 1 to 1000');
      }
      next.maxActiveKeys = input.maxActiveKeys;
    }
    if (input.defaultExpiryDays !== undefined)
      next.defaultExpiryDays = days('defaultExpiryDays', input.defaultExpiryDays);
    if (input.maxExpiryDays !== undefined) {
      next.maxExpiryDays = input.maxExpiryDays === null ? null : days('maxExpiryDays', input.maxExpiryDays);
    }
    if (input.allowNeverExpiry !== undefined) next.allowNeverExpiry = input.allowNeverExpiry;
    if (next.maxExpiryDays !== null && next.defaultExpiryDays > next.maxExpiryDays) {
      throw validationError('defaultExpiryDays', `must not exceed maxExpiryDays (${next.maxExpiryDays})`);
    }
    if (next.maxExpiryDays !== null && next.allowNeverExpiry) {
      // A cap on expiry and keys that never expire contradict each other.
      if (input.allowNeverExpiry === true) {
        throw validationError(
          'allowNeverExpiry',
          'cannot allow never-expiring keys while maxExpiryDays is set',
        );
      }
      next.allowNeverExpiry = false;
    }
    const [row] = await tx
      .update(orgs)
      .set({
        name: next.name,
        maxActiveKeys: next.maxActiveKeys,
        defaultExpiryDays: next.defaultExpiryDays,
        maxExpiryDays: next.maxExpiryDays,
        allowNeverExpiry: next.allowNeverExpiry,
      })
      .where(eq(orgs.id, orgId))
      .returning();
    if (!row) throw new Error('update returned no row');
    await recordAudit(tx, now, {
      orgId,
      action: 'org.settings_changed',
      actor,
      target: { type: 'org', id: orgId },
      meta,
      details: { ...input },
    });
    return row;
  });
}
