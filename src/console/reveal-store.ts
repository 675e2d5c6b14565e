/**
 * Secrets waiting for their one showing. Create and rotate redirect (so a reload never
 * re-posts the form) to a page that takes the secret from here and forgets it; a
 * second visit finds nothing. Bound to the session that made the key, kept 5 minutes.
 */
export interface PendingReveal {
  keyId: string;
  name: string;
  clientId: string;
  secret: string;
  rotated: boolean;
  /** After a rotation with a grace period: when the old secret stops working (ISO). */
  oldSecretUntil?: string | undefined;
}

const TTL_MS = 5 * 60_000;

export class RevealStore {
  private readonly pending = new Map<string, PendingReveal & { session: string; until: number }>();

  put(session: string, reveal: PendingReveal, now: number): string {
    for (const [id, r] of this.pending) if (r.until <= now) this.pending.delete(id);
    const id = crypto.randomUUID();
    this.pending.set(id, { ...reveal, session, until: now + TTL_MS });
    return id;
  }

  take(id: string, session: string, now: number): PendingReveal | undefined {
    const r = this.pending.get(id);
    if (!r || r.session !== session) return undefined;
    this.pending.delete(id);
    return r.until > now ? r : undefined;
  }
}
