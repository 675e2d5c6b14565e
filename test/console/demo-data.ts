import type { Hono } from 'hono';
import { createKey } from '../../src/api-keys/create-key';
import type { KeyServiceContext } from '../../src/api-keys/key-service-context';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { updateKey } from '../../src/api-keys/update-key';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import type { AppEnv, Deps } from '../../src/deps';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { GITHUB_ISSUER } from '../../src/federation/github-issuer';
import type { FixedClock } from '../../src/lib/clock';
import { createOrg } from '../../src/orgs/create-org';
import { postForm } from '../helpers/oauth-client';

export const DEMO_PASSWORD = 'correct horse battery';
export const DEMO_ADMIN = 'admin@acme.example';
export const DEMO_VIEWER = 'viewer@acme.example';

export interface Demo {
  org: { id: string; slug: string };
  keys: Record<string, { id: string; clientId: string; secret: string }>;
  federationId: string;
}

/**
 * An organisation as a user would have it after some weeks: keys of every status (a long
 * name among them), a federation, an admin and a viewer in two organisations, and a day
 * of token traffic with some refusals. The clock only moves forward, ending 30 days and
 * 24 hours after it started.
 */
export async function seedDemo(t: { app: Hono<AppEnv>; deps: Deps; clock: FixedClock }): Promise<Demo> {
  const { deps, clock } = t;
  let adminId = '';
  const ctx = (): KeyServiceContext => ({
    db: deps.db,
    now: clock.now(),
    catalog: deps.catalog,
    actor: { type: 'user', id: adminId, label: DEMO_ADMIN },
  });
  const org = await createOrg(deps.db, clock.now(), operatorActor(), { slug: 'acme', name: 'Acme Inc' });
  const beta = await createOrg(deps.db, clock.now(), operatorActor(), { slug: 'beta', name: 'Beta Labs' });
  for (const [email, orgId, role] of [
    [DEMO_ADMIN, org.id, 'admin'],
    [DEMO_ADMIN, beta.id, 'admin'],
    [DEMO_VIEWER, org.id, 'viewer'],
  ] as const) {
    const user = await createUser(deps.db, deps.passwordHasher, clock.now(), operatorActor(), {
      email,
      password: DEMO_PASSWORD,
      orgId,
      role,
    });
    // The audit log shows the admin's own events by their email.
    if (email === DEMO_ADMIN) adminId = user.user.id;
  }
  const keys: Demo['keys'] = {};
  const make = async (name: string, scopes: string[], extra: { allowedCidrs?: string[] } = {}) => {
    const { key, secret } = await createKey(ctx(), org.id, { name, scopes, expiresIn: '90d', ...extra });
    keys[name] = { id: key.id, clientId: key.clientId, secret };
    clock.advance(3 * 86_400);
  };
  await make('leaked-2024', ['read:subjects']);
  await revokeKey(ctx(), org.id, keys['leaked-2024']?.id as string);
  await make('billing-service', ['read:subjects', 'write:subjects', 'read:usage']);
  await make('old-integration', ['read:subjects']);
  await updateKey(ctx(), org.id, keys['old-integration']?.id as string, { enabled: false });
  await make('deploy-production-eu-west-1-primary-cluster', ['read:*', 'write:subjects'], {
    allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'],
  });
  await make('ci-nightly', ['read:subjects', 'read:keys']);
  await make('staging-reader', ['read:subjects']);
  const federation = await createFederation(federationContext(ctx(), deps.config), org.id, {
    name: 'api deploys',
    issuer: GITHUB_ISSUER,
    claims: {
      repository: 'acme/api',
      repository_id: '123456789',
      repository_owner_id: '987654',
      ref: 'refs/heads/main',
    },
    subject: 'repo:acme/api:ref:refs/heads/main',
    scopes: ['read:subjects'],
  });
  clock.advance(12 * 86_400); // six keys took 18 days; the traffic starts on day 30

  // A day of traffic: every hour some tokens, now and then a refusal.
  const busy = ['ci-nightly', 'billing-service', 'deploy-production-eu-west-1-primary-cluster'];
  for (let hour = 0; hour < 24; hour++) {
    for (const [i, name] of busy.entries()) {
      const k = keys[name] as Demo['keys'][string];
      const calls = 1 + ((hour * (i + 2)) % 5);
      for (let n = 0; n < calls; n++) {
        await postForm(
          t.app,
          '/token',
          { grant_type: 'client_credentials' },
          {
            auth: { id: k.clientId, secret: k.secret },
            ip: '203.0.113.7',
          },
        );
      }
    }
    if (hour % 6 === 3) {
      const k = keys['ci-nightly'] as Demo['keys'][string];
      await postForm(
        t.app,
        '/token',
        { grant_type: 'client_credentials', scope: 'admin:keys' },
        {
          auth: { id: k.clientId, secret: k.secret },
          ip: '198.51.100.20',
        },
      );
    }
    clock.advance(3600);
  }
  await deps.usage.flush(deps.db);
  return { org, keys, federationId: federation.id };
}
