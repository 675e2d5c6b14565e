import { importJWK, type JWK } from 'jose';
import type { Db } from '../db/database';
import { sha256Hex } from '../lib/encoding';
import { unseal } from './kek';
import { listSigningKeys } from './lifecycle';

export interface Signer {
  kid: string;
  alg: string;
  key: CryptoKey;
}

export interface PublishedJwks {
  body: string;
  etag: string;
}

/**
 * Everything a loaded keyset holds (imported keys, the published JWKS), to seed another
 * one over a different connection: a Worker keeps it per isolate across requests.
 */
export interface KeysetSnapshot {
  readonly signer: Signer;
  readonly verifyKeys: ReadonlyMap<string, { alg: string; key: CryptoKey }>;
  readonly published: PublishedJwks;
  readonly keyDates: readonly { state: string; createdAt: Date }[];
  readonly withdrawals: number;
}

/**
 * The signing keys one instance holds in memory: the current private key and every
 * published public key. `refresh()` reloads them when the database says they changed
 * (the change watcher calls it), so the token path never reads signing keys itself.
 * `epoch()` moves whenever a key stops being accepted (retired), so whoever remembers
 * verified tokens knows to check them again.
 */
export class Keyset {
  private signer: Signer | undefined;
  private verifyKeys = new Map<string, { alg: string; key: CryptoKey }>();
  private published: PublishedJwks = { body: '{"keys":[]}', etag: '"empty"' };
  private keyDates: readonly { state: string; createdAt: Date }[] = [];
  private withdrawals = 0;
  private loads: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly kek: CryptoKey,
    /** Keys another keyset loaded: served at once, and not imported again on the next load. */
    seed?: KeysetSnapshot,
  ) {
    if (seed) {
      this.signer = seed.signer;
      this.verifyKeys = new Map(seed.verifyKeys);
      this.published = seed.published;
      this.keyDates = seed.keyDates;
      this.withdrawals = seed.withdrawals;
    }
  }

  /** What this keyset holds, to seed another; undefined before the first load. */
  snapshot(): KeysetSnapshot | undefined {
    if (!this.signer) return undefined;
    return {
      signer: this.signer,
      verifyKeys: this.verifyKeys,
      published: this.published,
      keyDates: this.keyDates,
      withdrawals: this.withdrawals,
    };
  }

  async refresh(): Promise<void> {
    if (!(await this.tryRefresh()))
      throw new Error('no current signing key: start a keymint server once to create one');
  }

  /** Loads the keys; false when the database has no current signing key yet. */
  tryRefresh(): Promise<boolean> {
    // One load at a time: a load that read the rows before a key was retired must not
    // finish after one that read them since, and bring the key back.
    const load = this.loads.then(() => this.load());
    this.loads = load.catch(() => undefined);
    return load;
  }

  private async load(): Promise<boolean> {
    const rows = await listSigningKeys(this.db, ['next', 'current', 'previous']);
    const current = rows.find((r) => r.state === 'current');
    if (!current?.privateJwkSealed) return false;
    if (this.signer?.kid !== current.kid) {
      const jwk = await unseal(this.kek, current.kid, current.privateJwkSealed);
      this.signer = {
        kid: current.kid,
        alg: current.alg,
        key: (await importJWK(jwk as JWK, current.alg)) as CryptoKey,
      };
    }
    const verifyKeys = new Map<string, { alg: string; key: CryptoKey }>();
    for (const r of rows) {
      const known = this.verifyKeys.get(r.kid);
      verifyKeys.set(
        r.kid,
        known ?? { alg: r.alg, key: (await importJWK(r.publicJwk as JWK, r.alg)) as CryptoKey },
      );
    }
    for (const kid of this.verifyKeys.keys()) {
      if (!verifyKeys.has(kid)) {
        this.withdrawals++;
        break;
      }
    }
    this.verifyKeys = verifyKeys;
    this.keyDates = rows.map((r) => ({ state: r.state, createdAt: r.createdAt }));
    const body = JSON.stringify({ keys: rows.map((r) => r.publicJwk) });
    this.published = { body, etag: `"${(await sha256Hex(body)).slice(0, 32)}"` };
    return true;
  }

  currentSigner(): Signer {
    if (!this.signer) throw new Error('keyset not loaded');
    return this.signer;
  }

  verificationKey(kid: string): { alg: string; key: CryptoKey } | undefined {
    return this.verifyKeys.get(kid);
  }

  /** Changes whenever a key this instance accepted is no longer accepted. */
  epoch(): number {
    return this.withdrawals;
  }

  jwks(): PublishedJwks {
    return this.published;
  }

  /** State and creation time of each key held (for metrics: no kid, no key material). */
  signingKeyDates(): readonly { state: string; createdAt: Date }[] {
    return this.keyDates;
  }

  /** Algorithms of the published keys, for discovery metadata. */
  algorithms(): string[] {
    return [...new Set([...this.verifyKeys.values()].map((k) => k.alg))];
  }
}
