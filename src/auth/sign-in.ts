import { inArray } from 'drizzle-orm';
import type { RequestMeta } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { orgs, type UserRole, type UserRow } from '../db/schema/index';
import type { Deps } from '../deps';
import { createSession, type NewSession } from './sessions';
import { SignInRefused } from './sign-in-refused';
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

/**
 * Email + password → a new session, for the API and the console alike: throttled per
 * address and per email, audited in every organisation of the user either way.
 */
export async function signIn(
  deps: Deps,
  email: string,
  password: string,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: NewSession; orgs: MemberOrg[] }> {
  const now = deps.clock.now();
  const emailKey = email.trim().toLowerCase();
  const ipKey = meta.ip ?? 'unknown';
  const wait = Math.max(
    deps.signInThrottle.byIp.retryAfter(ipKey, now.getTime()),
    deps.signInThrottle.byEmail.retryAfter(emailKey, now.getTime()),
  );
  if (wait > 0) {
    throw new SignInRefused('throttled', `too many failed sign-ins; retry after ${wait} s`, wait);
  }
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
    deps.signInThrottle.byIp.fail(ipKey, now.getTime());
    deps.signInThrottle.byEmail.fail(emailKey, now.getTime());
    throw new SignInRefused('wrong-credentials', 'wrong email or password');
  }
  const session = await createSession(deps.db, user.id, now, meta);
  return { user, session, orgs: memberOf };
}
