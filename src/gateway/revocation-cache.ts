import { gt } from 'drizzle-orm';
import type { KeyLookup } from '../api-keys/authenticate-key';
import { keyStatus } from '../api-keys/status';
import type { Db } from '../db/database';
import type { ApiKeyRow } from '../db/schema/index';
import { revokedTokens } from '../db/schema/index';
import type { VerifiedCaller } from './token-verifier';

/**
 * What the gateway must refuse although the signature is fine: tokens of keys that are
 * no longer active and tokens revoked through /revoke. Both are cached in memory and
 * dropped whenever anything changes (this instance's writes at once, other
 * instances' through the change watcher within its polling interval), so a request
 * costs no database read in the steady state.
 */
export class RevocationCache {
  private keys = new Map<string, Promise<ApiKeyRow | undefined>>();
  private revokedJtis: Promise<Set<string>> | undefined;

  constructor(
    private readonly db: Db,
    private readonly lookup: KeyLookup,
  ) {}

  invalidate(): void {
    this.keys = new Map();
    this.revokedJtis = undefined;
  }

  /** Why the caller's token is refused, or null when it is not. */
  async refusal(caller: VerifiedCaller, now: Date): Promise<string | null> {
    const [key, jtis] = await Promise.all([this.key(caller.clientId), this.jtis(now)]);
    if (!key || key.deletedAt || key.orgId !== caller.orgId) return 'the token belongs to no known key';
    const status = keyStatus(key, now);
    if (status !== 'active') return `the token's key is ${status}`;
    if (jtis.has(caller.jti)) return 'the token has been revoked';
    return null;
  }

  private key(clientId: string): Promise<ApiKeyRow | undefined> {
    let p = this.keys.get(clientId);
    if (!p) {
      const keys = this.keys;
      const read = this.lookup(clientId);
      // invalidate() swaps the map, so a read that raced it never lands in the new one;
      // a failed read is not remembered.
      read.catch(() => keys.get(clientId) === read && keys.delete(clientId));
      if (keys.size > 10_000) keys.clear();
      keys.set(clientId, read);
      p = read;
    }
    return p;
  }

  private jtis(now: Date): Promise<Set<string>> {
    if (!this.revokedJtis) {
      const p = this.db
        .select({ jti: revokedTokens.jti })
        .from(revokedTokens)
        .where(gt(revokedTokens.expiresAt, now))
        .then((rows) => new Set(rows.map((r) => r.jti)));
      this.revokedJtis = p;
      p.catch(() => {
        if (this.revokedJtis === p) this.revokedJtis = undefined;
      });
    }
    return this.revokedJtis;
  }
}
