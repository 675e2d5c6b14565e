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
 * The signing keys one instance holds in memory: the current private key and every
 * published public key. `refresh()` reloads them when the database says they changed
 * (the change watcher calls it), so the token path never reads signing keys itself.
 */
export class Keyset {
  private signer: Signer | undefined;
  private verifyKeys = new Map<string, { alg: string; key: CryptoKey }>();
  private published: PublishedJwks = { body: '{"keys":[]}', etag: '"empty"' };

  constructor(
    private readonly db: Db,
    private readonly kek: CryptoKey,
  ) {}

  async refresh(): Promise<void> {
    if (!(await this.tryRefresh()))
      throw new Error('no current signing key: start a keymint server once to create one');
  }

  /** Loads the keys; false when the database has no current signing key yet. */
  async tryRefresh(): Promise<boolean> {
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
    this.verifyKeys = verifyKeys;
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

  jwks(): PublishedJwks {
    return this.published;
  }

  /** Algorithms of the published keys, for discovery metadata. */
  algorithms(): string[] {
    return [...new Set([...this.verifyKeys.values()].map((k) => k.alg))];
  }
}
