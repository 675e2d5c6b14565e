/**
 * Invite links waiting for their one showing. Creating an invite redirects (so a reload
 * never re-posts the form) to the members page, which takes the link from here and
 * forgets it. Bound to the session that made it, kept 5 minutes, in this process only.
 */
export interface PendingInvite {
  orgSlug: string;
  email: string;
  role: string;
  url: string;
  expiresAt: Date;
}

const TTL_MS = 5 * 60_000;

export class InviteReveals {
  private readonly pending = new Map<string, PendingInvite & { session: string; until: number }>();

  put(session: string, invite: PendingInvite, now: number): string {
    for (const [id, r] of this.pending) if (r.until <= now) this.pending.delete(id);
    const id = crypto.randomUUID();
    this.pending.set(id, { ...invite, session, until: now + TTL_MS });
    return id;
  }

  take(id: string, session: string, now: number): PendingInvite | undefined {
    const r = this.pending.get(id);
    if (!r || r.session !== session) return undefined;
    this.pending.delete(id);
    return r.until > now ? r : undefined;
  }
}
