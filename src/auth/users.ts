import { and, eq } from 'drizzle-orm';
import type { Actor, RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { memberships, type UserRole, type UserRow, users } from '../db/schema/index';
import { DomainError, validationError } from '../lib/domain-error';
import { newId } from '../lib/ids';
import { isStorableText } from '../lib/storable-text';
import { type PasswordHasher, verifyOrDummy } from './password-hasher';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 10;
// bcrypt ignores everything past 72 bytes; refusing longer passwords says so honestly.
export const MAX_PASSWORD_BYTES = 72;

export function validEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL_RE.test(email) || !isStorableText(email))
    throw validationError('email', 'is not an email address');
  return email;
}

export function validPassword(password: string): string {
  if (password.length < MIN_PASSWORD)
    throw validationError('password', `must be at least ${MIN_PASSWORD} characters`);
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    throw validationError(
      'password',
      `must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest)`,
    );
  }
  return password;
}

export const ROLES: readonly UserRole[] = ['admin', 'viewer'];

export interface CreateUserInput {
  email: string;
  password: string;
  orgId: string;
  role: string;
}

/**
 * Creates a user with a membership, or adds the membership to an existing user whose
 * password matches (so nobody can attach someone else's account to an org).
 */
export async function createUser(
  db: Db,
  hasher: PasswordHasher,
  now: Date,
  actor: Actor,
  input: CreateUserInput,
  meta?: RequestMeta,
): Promise<{ user: UserRow; created: boolean; role: UserRole }> {
  const email = validEmail(input.email);
  const password = validPassword(input.password);
  if (!ROLES.includes(input.role as UserRole)) throw validationError('role', 'must be admin or viewer');
  const role = input.role as UserRole;
  const [existing] = await db.select().from(users).where(eq(users.email, email));
  if (existing && !(await hasher.verify(password, existing.passwordHash))) {
    throw new DomainError('conflict', `a user ${email} already exists and that is not their password`);
  }
  const passwordHash = existing ? existing.passwordHash : await hasher.hash(password);
  return db.transaction(async (tx) => {
    let user = existing;
    if (!user) {
      const [row] = await tx
        .insert(users)
        .values({ id: newId('usr'), email, passwordHash, createdAt: now })
        .onConflictDoNothing()
        .returning();
      if (!row)
        throw new DomainError('conflict', `a user ${email} was created at the same moment; try again`);
      user = row;
    }
    const [member] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, user.id), eq(memberships.orgId, input.orgId)));
    if (member) {
      if (member.role === role)
        throw new DomainError('conflict', `${email} is already ${role} of this organisation`);
      await tx
        .update(memberships)
        .set({ role })
        .where(and(eq(memberships.userId, user.id), eq(memberships.orgId, input.orgId)));
    } else {
      await tx.insert(memberships).values({ userId: user.id, orgId: input.orgId, role, createdAt: now });
    }
    await recordAudit(tx, now, {
      orgId: input.orgId,
      action: existing ? 'user.role_granted' : 'user.created',
      actor,
      target: { type: 'user', id: user.id },
      meta,
      details: { email, role },
    });
    return { user, created: !existing, role };
  });
}

/** The user whose email and password these are, or null; unknown emails cost the same. */
export async function authenticateUser(
  db: Db,
  hasher: PasswordHasher,
  emailInput: string,
  password: string,
): Promise<{ user: UserRow | null; known: UserRow | null }> {
  const email = emailInput.trim().toLowerCase();
  const lookup = email.length <= 254 && isStorableText(email);
  const [user] = lookup ? await db.select().from(users).where(eq(users.email, email)) : [];
  const ok = password.length <= 1024 && (await verifyOrDummy(hasher, password, user?.passwordHash));
  return { user: ok && user ? user : null, known: user ?? null };
}

export async function membershipsOf(db: Db, userId: string) {
  return db.select().from(memberships).where(eq(memberships.userId, userId));
}
