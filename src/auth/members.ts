import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Executor } from '../db/database';
import { memberships, type OrgRow, orgs, type UserRole, type UserRow, users } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { newId } from '../lib/ids';

export interface Member {
  userId: string;
  email: string;
  role: UserRole;
  joinedAt: Date;
}

/** An organisation's people, admins first, then by email. */
export async function orgMembers(db: Db, orgId: string): Promise<Member[]> {
  const rows = await db
    .select({ userId: users.id, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
  return rows.sort((a, b) => (a.role === b.role ? 0 : a.role === 'admin' ? -1 : 1));
}

/** Organisations nobody can sign in to yet (e.g. made with the CLI): a set-up link may claim them. */
export async function orgsWithoutMembers(db: Executor): Promise<OrgRow[]> {
  const rows = await db
    .select({ org: orgs })
    .from(orgs)
    .leftJoin(memberships, eq(memberships.orgId, orgs.id))
    .where(isNull(memberships.userId))
    .orderBy(asc(orgs.slug))
    .limit(100);
  return rows.map((r) => r.org);
}

export async function userByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

/**
 * Inside the caller's transaction: makes `email` a member of the org, creating the user
 * first when `user` is absent. Refuses a second membership rather than changing a role.
 */
export async function addMember(
  tx: Executor,
  now: Date,
  m: { orgId: string; email: string; role: UserRole; user?: UserRow; passwordHash?: string },
): Promise<UserRow> {
  let user = m.user;
  if (!user) {
    if (!m.passwordHash) throw new Error('a new user needs a password hash');
    const [row] = await tx
      .insert(users)
      .values({ id: newId('usr'), email: m.email, passwordHash: m.passwordHash, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DomainError('conflict', `an account for ${m.email} was created meanwhile; try again`);
    user = row;
  }
  const [already] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, user.id), eq(memberships.orgId, m.orgId)));
  if (already)
    throw new DomainError('conflict', `${m.email} is already ${already.role} of this organisation`);
  await tx.insert(memberships).values({ userId: user.id, orgId: m.orgId, role: m.role, createdAt: now });
  return user;
}
