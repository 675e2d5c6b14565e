import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { Actor, RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import {
  type InviteRow,
  invites,
  memberships,
  type OrgRow,
  orgs,
  type UserRole,
  type UserRow,
  users,
} from '../db/schema/index';
import { randomBase62 } from '../lib/base62';
import { DomainError, validationError } from '../lib/domain-error';
import { sha256Hex } from '../lib/encoding';
import { newId } from '../lib/ids';
import { addMember, userByEmail } from './members';
import { ROLES, validEmail } from './users';

/** An invite link works for a week, once. */
export const INVITE_TTL_DAYS = 7;
/** Enough for any real team; a bound on what one admin session can pile up. */
const MAX_PENDING = 100;
const TOKEN_RE = /^[0-9A-Za-z]{32}$/;

const pending = (now: Date) =>
  and(isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now));

/**
 * A one-time invite link into an organisation for one email address and role. The
 * token is returned once, to be passed on; only its digest is stored. A new invite
 * for an address replaces (revokes) the pending one, so one link at most works per person.
 */
export async function createInvite(
  db: Db,
  now: Date,
  actor: Actor,
  input: { orgId: string; email: string; role: string },
  meta?: RequestMeta,
): Promise<{ invite: InviteRow; token: string }> {
  const email = validEmail(input.email);
  if (!ROLES.includes(input.role as UserRole)) throw validationError('role', 'must be admin or viewer');
  const role = input.role as UserRole;
  const token = randomBase62(32);
  const tokenDigest = await sha256Hex(token);
  return db.transaction(async (tx) => {
    // The org row's lock orders concurrent invites, so the bound below holds.
    await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, input.orgId)).for('update');
    const [member] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, input.orgId), eq(users.email, email)));
    if (member) throw new DomainError('conflict', `${email} is already ${member.role} of this organisation`);
    const replaced = await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(and(eq(invites.orgId, input.orgId), eq(invites.email, email), pending(now)))
      .returning();
    for (const old of replaced) {
      await recordAudit(tx, now, {
        orgId: input.orgId,
        action: 'user.invite_revoked',
        actor,
        target: { type: 'invite', id: old.id },
        meta,
        details: { email, role: old.role, reason: 'replaced by a new invite' },
      });
    }
    const [open] = await tx
      .select({ n: count() })
      .from(invites)
      .where(and(eq(invites.orgId, input.orgId), pending(now)));
    if (Number(open?.n ?? 0) >= MAX_PENDING)
      throw new DomainError('conflict', `${MAX_PENDING} invites are pending; revoke some first`);
    const [invite] = await tx
      .insert(invites)
      .values({
        id: newId('inv'),
        orgId: input.orgId,
        email,
        role,
        tokenDigest,
        invitedBy: actor.label,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITE_TTL_DAYS * 86_400_000),
      })
      .returning();
    if (!invite) throw new Error('insert returned no row');
    await recordAudit(tx, now, {
      orgId: input.orgId,
      action: 'user.invited',
      actor,
      target: { type: 'invite', id: invite.id },
      meta,
      details: { email, role, expiresAt: invite.expiresAt.toISOString() },
    });
    return { invite, token };
  });
}

/** Invites still waiting to be used, oldest first. */
export async function pendingInvites(db: Db, orgId: string, now: Date): Promise<InviteRow[]> {
  return db
    .select()
    .from(invites)
    .where(and(eq(invites.orgId, orgId), pending(now)))
    .orderBy(asc(invites.createdAt));
}

export async function revokeInvite(
  db: Db,
  now: Date,
  actor: Actor,
  orgId: string,
  inviteId: string,
  meta?: RequestMeta,
): Promise<InviteRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(and(eq(invites.id, inviteId), eq(invites.orgId, orgId), pending(now)))
      .returning();
    if (!row) throw new DomainError('not-found', 'no such pending invite: it was used, revoked or expired');
    await recordAudit(tx, now, {
      orgId,
      action: 'user.invite_revoked',
      actor,
      target: { type: 'invite', id: row.id },
      meta,
      details: { email: row.email, role: row.role },
    });
    return row;
  });
}

export interface OpenInvite {
  invite: InviteRow;
  org: OrgRow;
  /** The invited address's account, when it already has one: they sign in to join. */
  account: UserRow | undefined;
}

/** The pending invite a link carries, or undefined when it is unknown, used, revoked or expired. */
export async function findInvite(db: Db, token: string, now: Date): Promise<OpenInvite | undefined> {
  if (!TOKEN_RE.test(token)) return undefined;
  const [row] = await db
    .select({ invite: invites, org: orgs })
    .from(invites)
    .innerJoin(orgs, eq(orgs.id, invites.orgId))
    .where(and(eq(invites.tokenDigest, await sha256Hex(token)), pending(now)));
  if (!row) return undefined;
  return { ...row, account: await userByEmail(db, row.invite.email) };
}

/**
 * Uses the invite: its address joins the org with its role, as the existing account
 * (whose password the caller has checked) or as a new one with `passwordHash`. The
 * invite is spent in the same transaction, so only one use can win.
 */
export async function joinByInvite(
  db: Db,
  now: Date,
  token: string,
  who: { user: UserRow } | { passwordHash: string },
  meta?: RequestMeta,
): Promise<{ user: UserRow; org: OrgRow; role: UserRole }> {
  if (!TOKEN_RE.test(token)) throw new DomainError('not-found', INVITE_SPENT);
  const digest = await sha256Hex(token);
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.tokenDigest, digest), pending(now)))
      .returning();
    if (!invite) throw new DomainError('not-found', INVITE_SPENT);
    const user = await addMember(tx, now, {
      orgId: invite.orgId,
      email: invite.email,
      role: invite.role,
      ...who,
    });
    await tx.update(invites).set({ acceptedBy: user.id }).where(eq(invites.id, invite.id));
    await recordAudit(tx, now, {
      orgId: invite.orgId,
      action: 'user.joined',
      actor: { type: 'user', id: user.id, label: user.email },
      target: { type: 'user', id: user.id },
      meta,
      details: {
        email: user.email,
        role: invite.role,
        invitedBy: invite.invitedBy,
        newAccount: !('user' in who),
      },
    });
    const [org] = await tx.select().from(orgs).where(eq(orgs.id, invite.orgId));
    if (!org) throw new Error('an invite names no organisation');
    return { user, org, role: invite.role };
  });
}

export const INVITE_SPENT = 'this invite link was used, revoked or has expired';
