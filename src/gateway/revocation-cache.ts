import { gt } from 'drizzle-orm';
import type { Db } from '../db/database';
import { revokedTokens } from '../db/schema/index';
import type { TokenClient, TokenClientLookup } from '../tokens/token-client';
import { tokenRefusal } from '../tokens/token-standing';
import type { VerifiedCaller } from './token-verifier';

/**
 * What the gateway must refuse although the signature is fine: tokens of keys (or
 * federations) that are no longer active and tokens revoked through /revoke. Both are cached in memory and
 * dropped whenever anything changes (this instance's writes at once, other
 * instances' through the change watcher within its polling interval), so a request
 * costs no database read in the steady state.
 */
/** A read in flight, or what it settled to (boxed: "no such client" is an answer too). */
type ClientEntry = Promise<TokenClient | undefined> | { client: TokenClient | undefined };

export class RevocationCache {
  // Each entry is the read in flight until it settles, then its value, so the steady
  // state answers without awaiting anything.
  private keys = new Map<string, ClientEntry>();
  private revokedJtis: Promise<Set<string>> | Set<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly lookup: TokenClientLookup,
  ) {}

  invalidate(): void {
    this.keys = new Map();
    this.revokedJtis = undefined;
  }

  /** Why the caller's token is refused, or null when it is not; synchronous once cached. */
  refusal(caller: VerifiedCaller, now: Date): string | null | Promise<string | null> {
    const key = this.keys.get(caller.clientId);
    const jtis = this.revokedJtis;
    if (key && !(key instanceof Promise) && jtis instanceof Set) return judge(key.client, jtis, caller, now);
    return Promise.all([this.key(caller.clientId), this.jtis(now)]).then(([client, revoked]) =>
      judge(client, revoked, caller, now),
    );
  }

  private key(clientId: string): Promise<TokenClient | undefined> {
    const known = this.keys.get(clientId);
    if (known) return known instanceof Promise ? known : Promise.resolve(known.client);
    const keys = this.keys;
    const read = this.lookup(clientId);
    // invalidate() swaps the map, so a read that raced it never lands in the new one;
    // a failed read is not remembered.
    read.then(
      (client) => keys.get(clientId) === read && keys.set(clientId, { client }),
      () => keys.get(clientId) === read && keys.delete(clientId),
    );
    if (keys.size > 10_000) keys.clear();
    keys.set(clientId, read);
    return read;
  }

  private jtis(now: Date): Promise<Set<string>> {
    if (this.revokedJtis instanceof Set) return Promise.resolve(this.revokedJtis);
    if (!this.revokedJtis) {
      const p = this.db
        .select({ jti: revokedTokens.jti })
        .from(revokedTokens)
        .where(gt(revokedTokens.expiresAt, now))
        .then((rows) => new Set(rows.map((r) => r.jti)));
      this.revokedJtis = p;
      p.then(
        (set) => {
          if (this.revokedJtis === p) this.revokedJtis = set;
        },
        () => {
          if (this.revokedJtis === p) this.revokedJtis = undefined;
        },
      );
    }
    return this.revokedJtis;
  }
}

const judge = (
  client: TokenClient | undefined,
  revokedJtis: Set<string>,
  caller: VerifiedCaller,
  now: Date,
) => tokenRefusal(client, revokedJtis.has(caller.jti), caller, now);
