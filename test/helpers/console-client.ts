import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import type { UserRole } from '../../src/db/schema/index';
import { signIn } from './api-client';
import type { TestApp } from './test-app';

export interface ConsoleUser {
  cookie: string;
  csrf: string;
  /** GET a console page as this user. */
  get(path: string): Promise<Response>;
  /** POST a console form as this user, with the session's CSRF token unless `csrf: false`. */
  post(path: string, form?: Record<string, string | string[]>, o?: { csrf?: boolean }): Promise<Response>;
}

/** A console user of `orgId` with a session, driving the pages as a browser's forms would. */
export async function consoleUser(
  t: TestApp,
  orgId: string,
  email: string,
  role: UserRole = 'admin',
): Promise<ConsoleUser> {
  const password = 'correct horse battery';
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email,
    password,
    orgId,
    role,
  });
  const { cookie, csrf } = await signIn(t, email, password);
  return {
    cookie,
    csrf,
    get: (path) => Promise.resolve(t.app.request(path, { headers: { cookie } })),
    post: (path, form = {}, o = {}) => {
      const body = new URLSearchParams();
      if (o.csrf !== false) body.set('_csrf', csrf);
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
      return Promise.resolve(
        t.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body,
        }),
      );
    },
  };
}
