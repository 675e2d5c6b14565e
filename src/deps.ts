import type { Context } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { KeyLookup } from './api-keys/authenticate-key';
import type { KeyCache } from './api-keys/key-cache';
import type { SecretDigester } from './api-keys/secrets';
import type { PasswordHasher } from './auth/password-hasher';
import type { InstanceLease } from './changes/instance-lease';
import type { Config } from './config';
import type { SetupLink } from './console/setup-link';
import type { Database, Db } from './db/database';
import type { OidcKeyCache } from './federation/oidc-key-cache';
import type { RevocationCache } from './gateway/revocation-cache';
import type { Clock } from './lib/clock';
import type { FailureThrottle } from './lib/failure-throttle';
import type { Log } from './lib/log';
import type { Metrics } from './metrics/metrics';
import type { Keyset } from './signing/keyset';
import type { TokenClientLookup } from './tokens/token-client';
import type { UsageBuffer } from './usage/usage-buffer';

/** Everything the app needs, built by an entry (Node, Workers, tests) and passed in. */
export interface Deps {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  keyset: Keyset;
  /** Key-encryption key for signing keys at rest. */
  kek: CryptoKey;
  keyLookup: KeyLookup;
  /** Keys that proved a secret on this instance, served while `instance`'s lease is current. */
  keyCache: KeyCache;
  /** This instance's lease on serving from memory (renewed by the change watcher; never on Workers). */
  instance: InstanceLease;
  /** The key or federation a token names in client_id. */
  tokenClients: TokenClientLookup;
  /** Verification keys of keymint's own access tokens (the keyset; an unknown kid reloads it). */
  accessTokenKeys: JWTVerifyGetKey;
  /** SHA-256 of presented secrets (node:crypto on Node, WebCrypto elsewhere). */
  secretDigester: SecretDigester;
  usage: UsageBuffer;
  /** The instance's Prometheus instruments (GET /metrics). */
  metrics: Metrics;
  /** What the gateway refuses despite a good signature (revoked keys and tokens). */
  revocations: RevocationCache;
  throttle: FailureThrottle;
  /** Refused federated token exchanges, per address (60 a minute). */
  federationThrottle: FailureThrottle;
  /** Verification keys of the federation issuers (FEDERATION_ISSUERS), found through discovery. */
  oidcKeys: OidcKeyCache;
  /** Failed console sign-ins, per address and per email. */
  signInThrottle: { byIp: FailureThrottle; byEmail: FailureThrottle };
  /** The one-time first-admin link of a server with no user yet. */
  setupLink: SetupLink;
  /** bcrypt for passwords, off the event loop where the platform allows. */
  passwordHasher: PasswordHasher;
  log: Log;
  /** The deployment's scope catalog. */
  catalog: readonly string[];
  /** The client's address as the platform reports it (after TRUST_PROXY). */
  clientIp: (c: Context) => string | undefined;
}

export type AppEnv = { Variables: { deps: Deps } };
