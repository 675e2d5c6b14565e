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
  // What those reads settled to, so the steady state answers without awaiting anything.
  private settledKeys = new Map<string, ApiKeyRow | undefined>();
  private settledJtis: Set<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly lookup: KeyLookup,
  ) {}

  invalidate(): void {
    this.keys = new Map();
    this.settledKeys = new Map();
    this.revokedJtis = undefined;
    this.settledJtis = undefined;
  }

  /** Why the caller's token is refused, or null when it is not; synchronous once cached. */
  refusal(caller: VerifiedCaller, now: Date): string | null | Promise<string | null> {
    const jtis = this.settledJtis;
    if (jtis && this.settledKeys.has(caller.clientId)) {
      return judge(this.settledKeys.get(caller.clientId), jtis, caller, now);
    }
    return Promise.all([this.key(caller.clientId), this.jtis(now)]).then(([key, revoked]) =>
      judge(key, revoked, caller, now),
    );
  }

  private key(clientId: string): Promise<ApiKeyRow | undefined> {
    let p = this.keys.get(clientId);
    if (!p) {
      const keys = this.keys;
      const settled = this.settledKeys;
      const read = this.lookup(clientId);
      // invalidate() swaps the maps, so a read that raced it never lands in the new ones;
      // a failed read is not remembered.
      read.then(
        (key) => keys.get(clientId) === read && settled.set(clientId, key),
        () => keys.get(clientId) === read && keys.delete(clientId),
      );
      if (keys.size > 10_000) {
        keys.clear();
        settled.clear();
      }
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
      p.then(
        (set) => {
          if (this.revokedJtis === p) this.settledJtis = set;
        },
        () => {
          if (this.revokedJtis === p) this.revokedJtis = undefined;
        },
      );
    }
    return this.revokedJtis;
  }
}

function judge(
  key: ApiKeyRow | undefined,
  revokedJtis: Set<string>,
  caller: VerifiedCaller,
  now: Date,
): string | null {
  if (!key || key.deletedAt || key.orgId !== caller.orgId) return 'the token belongs to no known key';
  const status = keyStatus(key, now);
  if (status !== 'active') return `the token's key is ${status}`;
  if (revokedJtis.has(caller.jti)) return 'the token has been revoked';
  return null;
}
