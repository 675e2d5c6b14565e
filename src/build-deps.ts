import type { Context } from 'hono';
import { createKeyLookup } from './api-keys/authenticate-key';
import { KeyCache } from './api-keys/key-cache';
import { scopeCatalog } from './api-keys/scopes';
import { digestSecret, type SecretDigester } from './api-keys/secrets';
import { inlineHasher, type PasswordHasher } from './auth/password-hasher';
import { InstanceLease } from './changes/instance-lease';
import type { Config } from './config';
import { SetupLink } from './console/setup-link';
import type { Database } from './db/database';
import type { Deps } from './deps';
import { OidcKeyCache } from './federation/oidc-key-cache';
import { RevocationCache } from './gateway/revocation-cache';
import type { Clock } from './lib/clock';
import { FailureThrottle } from './lib/failure-throttle';
import type { Log } from './lib/log';
import { Metrics } from './metrics/metrics';
import { importKek } from './signing/kek';
import { Keyset, type KeysetSnapshot } from './signing/keyset';
import { keysetKeyResolver } from './signing/keyset-key-resolver';
import { advanceSigningKeys } from './signing/lifecycle';
import { signingPolicy } from './signing/signing-policy';
import { createTokenClientLookup } from './tokens/token-client';
import { UsageBuffer } from './usage/usage-buffer';

export interface BuildDepsOptions {
  database: Database;
  config: Config;
  clock: Clock;
  kekBase64: string;
  log: Log;
  clientIp: (c: Context) => string | undefined;
  /** Defaults to bcryptjs on the calling thread; Node passes a worker-thread pool. */
  passwordHasher?: PasswordHasher;
  /** Where a runtime keeps failed-authentication counts across requests (Workers: per isolate). */
  throttle?: FailureThrottle;
  /** Refused federated exchanges per address; like `throttle`, kept per isolate on Workers. */
  federationThrottle?: FailureThrottle;
  /** The federation issuers' keys; on Workers kept per isolate so each request does not refetch them. */
  oidcKeys?: OidcKeyCache;
  /** Defaults to WebCrypto. */
  secretDigester?: SecretDigester;
  /** The KEK already imported (a Worker keeps it per isolate); else imported from kekBase64. */
  kek?: CryptoKey;
  /**
   * Signing keys loaded before (a Worker keeps them per isolate): never imported again, and
   * read from the database again only when `stale`.
   */
  heldKeys?: { snapshot: KeysetSnapshot; stale: boolean };
}

/**
 * Assembles the app's dependencies over a migrated database and loads the signing
 * keys. Only when there are none yet (a new database) does it create them here;
 * otherwise the schedule is advanced by the entry's timer or cron, not per request.
 */
export async function buildDeps(o: BuildDepsOptions): Promise<Deps> {
  const kek = o.kek ?? (await importKek(o.kekBase64));
  const keyset = new Keyset(o.database.db, kek, o.heldKeys?.snapshot);
  const fresh = o.heldKeys !== undefined && !o.heldKeys.stale;
  if (!fresh && !(await keyset.tryRefresh())) {
    await advanceSigningKeys(o.database.db, kek, signingPolicy(o.config), o.clock.now());
    await keyset.refresh();
  }
  const keyLookup = createKeyLookup(o.database.db);
  // The lease stays lapsed, so nothing is served from memory, until startBackground's watcher renews it.
  const instance = new InstanceLease();
  const tokenClients = createTokenClientLookup(o.database.db, keyLookup);
  return {
    config: o.config,
    database: o.database,
    db: o.database.db,
    clock: o.clock,
    keyset,
    kek,
    keyLookup,
    keyCache: new KeyCache(instance),
    instance,
    tokenClients,
    accessTokenKeys: keysetKeyResolver(keyset, () => o.clock.now().getTime()),
    secretDigester: o.secretDigester ?? digestSecret,
    revocations: new RevocationCache(o.database.db, tokenClients),
    usage: new UsageBuffer(o.config.usageAccounting),
    metrics: new Metrics(o.clock.now()),
    throttle: o.throttle ?? new FailureThrottle(),
    federationThrottle: o.federationThrottle ?? new FailureThrottle(60, 60_000),
    oidcKeys: o.oidcKeys ?? new OidcKeyCache(),
    signInThrottle: { byIp: new FailureThrottle(20, 60_000), byEmail: new FailureThrottle(10, 15 * 60_000) },
    setupLink: new SetupLink(o.database.db),
    passwordHasher: o.passwordHasher ?? inlineHasher(o.config.bcryptCost),
    log: o.log,
    catalog: scopeCatalog(o.config.extraScopes),
    clientIp: o.clientIp,
  };
}
