import type { ApiKeyRow } from '../db/schema/index';

/** Whether the instance may serve from memory now (an InstanceLease). */
export interface ServingLease {
  current(): boolean;
}

interface Entry {
  key: ApiKeyRow;
  /** Epoch ms after which the entry proves nothing (a rotation's grace ends). */
  until: number;
  bytes: number;
}

/** A read of the database started under this generation; it may be remembered only under it. */
export type CacheTicket = number;

/**
 * What an entry costs beyond twice its characters: a row as postgres.js and drizzle map
 * it (its Dates and arrays), the entry and its Map slot. Measured on Node 20: a typical
 * entry holds about 1.4 KB, so a million keys' worth of traffic would take 1.4 GB.
 */
const ENTRY_OVERHEAD_BYTES = 750;

export const DEFAULT_MAX_ENTRIES = 100_000;
/** About 90,000 typical entries: the most recently used keys stay, the rest read the database. */
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Key rows that proved a secret, by client id and the presented secret's digest, so
 * the token path of a client that authenticated before needs no database read (nor,
 * for an imported key, a bcrypt comparison). Only successes are kept: a wrong secret
 * or an unknown client id never matches an entry and always takes the one database
 * path, so timing still says nothing about which client ids exist.
 *
 * Entries are served only while the instance's lease is current, and all are dropped
 * whenever a change is announced (the change watcher does it before acknowledging). A
 * read that started before a drop is not remembered after it (the generation moved).
 * Bounded in entries and estimated bytes; the least recently used entry goes first.
 */
export class KeyCache {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private bytes = 0;

  constructor(
    private readonly lease: ServingLease,
    readonly maxEntries = DEFAULT_MAX_ENTRIES,
    readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /** Whether lookups may be answered from memory right now. */
  serving(): boolean {
    return this.lease.current();
  }

  /** The key that proved this digest for this client id, if remembered and still valid. */
  get(clientId: string, digest: string, now: Date): ApiKeyRow | undefined {
    if (this.entries.size === 0 || !this.lease.current()) return undefined;
    const id = entryId(clientId, digest);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (now.getTime() >= entry.until) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(id, entry); // most recently used goes last
    return entry.key;
  }

  /** Taken before the database read whose result may be remembered. */
  ticket(): CacheTicket {
    return this.generation;
  }

  /** Remembers a key that just proved `digest`, unless the cache was dropped since `ticket`. */
  remember(ticket: CacheTicket, clientId: string, digest: string, key: ApiKeyRow, now: Date): void {
    if (ticket !== this.generation || !this.lease.current()) return;
    // During a rotation's grace either secret may have proved it; past the grace the
    // previous one proves nothing, so neither entry outlives it.
    const grace = key.previousValidUntil?.getTime();
    const until = grace !== undefined && grace > now.getTime() ? grace : Number.POSITIVE_INFINITY;
    const id = entryId(clientId, digest);
    const bytes = entryBytes(id, key);
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.bytes -= old.bytes;
    }
    this.entries.set(id, { key, until, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  /** Forgets everything; reads in flight are not remembered either. */
  drop(): void {
    this.generation++;
    if (this.entries.size === 0) return;
    this.entries = new Map();
    this.bytes = 0;
  }

  /** Entries and estimated bytes held (for /metrics and tests). */
  size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

// Client ids have no spaces (keymint's and imported ones alike), so the pair is unambiguous.
const entryId = (clientId: string, digest: string) => `${clientId} ${digest}`;

/** Strings count two bytes a character (V8 may store them in one); the rest is the overhead. */
function entryBytes(id: string, key: ApiKeyRow): number {
  let chars = id.length + key.id.length + key.orgId.length + key.name.length + key.clientId.length;
  chars += key.secretDigest.length + key.secretPreview.length + (key.previousSecretDigest?.length ?? 0);
  chars += key.createdBy.length + (key.lastUsedIp?.length ?? 0);
  for (const s of key.scopes) chars += s.length + 8;
  for (const c of key.allowedCidrs) chars += c.length + 8;
  return ENTRY_OVERHEAD_BYTES + 2 * chars;
}
