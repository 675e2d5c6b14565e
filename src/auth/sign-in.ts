import { inArray } from 'drizzle-orm';
import type { RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { orgs, type UserRole, type UserRow } from '../db/schema/index';
import type { Clock } from '../lib/clock';
import { DomainError } from '../lib/domain-error';
import type { FailureThrottle } from '../lib/failure-throttle';
import type { PasswordHasher } from './password-hasher';
import { createSession, type NewSession } from './sessions';
import { authenticateUser, membershipsOf } from './users';

export interface MemberOrg {
  id: string;
  slug: string;
  name: string;
  role: UserRole;
}

export async function orgsOfUser(db: Db, userId: string): Promise<MemberOrg[]> {
  const ms = await membershipsOf(db, userId);
  if (ms.length === 0) return [];
  const rows = await db
    .select()
    .from(orgs)
    .where(
      inArray(
        orgs.id,
        ms.map((m) => m.orgId),
      ),
    );
  return rows
    .map((o) => ({
      id: o.id,
      slug: o.slug,
      name: o.name,
      role: ms.find((m) => m.orgId === o.id)?.role ?? 'viewer',
    }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/** What signing in needs, and nothing more. */
export interface SignInDeps {
  db: Db;
  clock: Clock;
  passwordHasher: PasswordHasher;
  /** Failed sign-ins, per address and per email. */
  signInThrottle: { byIp: FailureThrottle; byEmail: FailureThrottle };
}

/**
 * Email + password → a new session, for the API and the console alike: throttled per
 * address and per email, audited in every organisation of the user either way.
 */
export async function signIn(
  deps: SignInDeps,
  email: string,
  password: string,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: NewSession; orgs: MemberOrg[] }> {
  const now = deps.clock.now();
  const emailKey = email.trim().toLowerCase();
  const ipKey = meta.ip ?? 'unknown';
  // Checked before the work and again in the synchronous step that records a failure,
  // so sign-ins in flight together cannot all slip past one early check.
  const refuseIfThrottled = () => {
    const wait = Math.max(
      deps.signInThrottle.byIp.retryAfter(ipKey, now.getTime()),
      deps.signInThrottle.byEmail.retryAfter(emailKey, now.getTime()),
    );
    if (wait > 0) {
      throw new DomainError('rate-limited', `too many failed sign-ins; retry after ${wait} s`, {
        retryAfter: wait,
      });
    }
  };
  refuseIfThrottled();
  const { user, known } = await authenticateUser(deps.db, deps.passwordHasher, email, password);
  const memberOf = known ? await orgsOfUser(deps.db, known.id) : [];
  const subject = user ?? known;
  for (const o of subject ? memberOf : []) {
    await recordAudit(deps.db, now, {
      orgId: o.id,
      action: user ? 'user.signed_in' : 'user.sign_in_failed',
      actor: { type: 'user', id: (subject as UserRow).id, label: emailKey },
      target: { type: 'user', id: (subject as UserRow).id },
      meta,
      details: { email: emailKey },
    });
  }
  if (!user) {
    refuseIfThrottled();
    deps.signInThrottle.byIp.fail(ipKey, now.getTime());
    deps.signInThrottle.byEmail.fail(emailKey, now.getTime());
    throw new DomainError('unauthorized', 'wrong email or password');
  }
  const session = await createSession(deps.db, user.id, now, meta);
  return { user, session, orgs: memberOf };
}
