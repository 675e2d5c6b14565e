import { eq } from 'drizzle-orm';
import type { Actor, RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { type OrgRow, orgs } from '../db/schema/index';
import { validDisplayName } from '../lib/display-name';
import { DomainError, validationError } from '../lib/domain-error';
import { newId } from '../lib/ids';

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export interface CreateOrgInput {
  slug: string;
  name?: string | undefined;
  maxActiveKeys?: number | undefined;
}

export async function createOrg(
  db: Db,
  now: Date,
  actor: Actor,
  input: CreateOrgInput,
  meta?: RequestMeta,
): Promise<OrgRow> {
  if (!SLUG_RE.test(input.slug)) {
    throw validationError('slug', 'use 1–40 lower-case letters, digits and inner hyphens');
  }
  const name = validDisplayName(input.name ?? input.slug);
  const max = input.maxActiveKeys ?? 10;
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw validationError('maxActiveKeys', 'must be a whole number from 1 to 1000');
  }
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.slug, input.slug));
    if (taken) throw new DomainError('conflict', `an organisation with slug "${input.slug}" already exists`);
    const [org] = await tx
      .insert(orgs)
      .values({ id: newId('org'), slug: input.slug, name, maxActiveKeys: max, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!org) throw new DomainError('conflict', `an organisation with slug "${input.slug}" already exists`);
    await recordAudit(tx, now, {
      orgId: org.id,
      action: 'org.created',
      actor,
      target: { type: 'org', id: org.id },
      meta,
      details: { slug: org.slug, name: org.name },
    });
    return org;
  });
}
