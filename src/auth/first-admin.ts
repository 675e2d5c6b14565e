import { eq } from 'drizzle-orm';
import type { Actor, RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db, Executor } from '../db/database';
import { memberships, type OrgRow, orgs, type UserRow } from '../db/schema/index';
import { DomainError, validationError } from '../lib/domain-error';
import { createOrg } from '../orgs/create-org';
import { addMember, userByEmail } from './members';
import type { PasswordHasher } from './password-hasher';
import { validEmail, validPassword } from './users';

/** Who acts when a set-up link makes an admin: nobody signed in yet. */
export const SETUP_ACTOR: Actor = { type: 'system', id: 'setup link', label: 'setup' };

export const SPENT_LINK = 'this set-up link is used up or expired';

/** Claim an organisation that has no members (by slug), or create a new one. */
export type SetupChoice = { claim: string } | { create: { slug: string; name: string } };

export interface SetupInput {
  email: string;
  password: string;
  choice: SetupChoice;
}

/**
 * The first admin, through a set-up link: their account (or an existing one, signed in
 * with its password) becomes admin of a new organisation or of one nobody belongs to yet. The
 * link is spent in the same transaction, so a refusal leaves it usable and creates
 * nothing; an organisation that gained a member meanwhile cannot be claimed.
 */
export async function completeSetup(
  o: {
    db: Db;
    hasher: PasswordHasher;
    now: Date;
    /** Spends the link inside the transaction; false when it is used up or expired. */
    spend: (tx: Executor) => Promise<boolean>;
    /**
     * Checks an existing account's password as a sign-in does (throttled, audited), so
     * a link cannot be used to guess passwords; throws when it is wrong.
     */
    signIn: (email: string, password: string) => Promise<UserRow>;
    meta?: RequestMeta;
  },
  input: SetupInput,
): Promise<{ user: UserRow; org: OrgRow }> {
  // The account's fields are checked first, so a refused password costs no work.
  const email = validEmail(input.email);
  const password = validPassword(input.password);
  const known = await userByEmail(o.db, email);
  const existing = known ? await o.signIn(email, password) : undefined;
  // bcrypt runs before the transaction: no lock is held while it works.
  const passwordHash = existing ? undefined : await o.hasher.hash(password);
  return o.db.transaction(async (tx) => {
    if (!(await o.spend(tx))) throw new DomainError('not-found', SPENT_LINK);
    const choice = input.choice;
    const org = 'claim' in choice ? await claimable(tx, choice.claim) : undefined;
    const target = 'create' in choice ? await createOrg(tx, o.now, SETUP_ACTOR, choice.create, o.meta) : org;
    if (!target) throw new Error('a set-up choice names no organisation');
    const user = await addMember(tx, o.now, {
      orgId: target.id,
      email,
      role: 'admin',
      ...(existing ? { user: existing } : {}),
      ...(passwordHash ? { passwordHash } : {}),
    });
    if (org) {
      await recordAudit(tx, o.now, {
        orgId: org.id,
        action: 'org.claimed',
        actor: SETUP_ACTOR,
        target: { type: 'org', id: org.id },
        meta: o.meta,
        details: { slug: org.slug, email },
      });
    }
    await recordAudit(tx, o.now, {
      orgId: target.id,
      action: existing ? 'user.role_granted' : 'user.created',
      actor: SETUP_ACTOR,
      target: { type: 'user', id: user.id },
      meta: o.meta,
      details: { email, role: 'admin' },
    });
    return { user, org: target };
  });
}

/** The organisation to claim, locked, if it still has no member. */
async function claimable(tx: Executor, slug: string): Promise<OrgRow> {
  const [org] = await tx.select().from(orgs).where(eq(orgs.slug, slug)).for('update');
  if (!org) throw validationError('org', `there is no organisation “${slug}”`);
  const [member] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.orgId, org.id))
    .limit(1);
  if (member)
    throw new DomainError(
      'conflict',
      `“${slug}” already has members, so it cannot be claimed: ask one of its admins for an invite`,
    );
  return org;
}
