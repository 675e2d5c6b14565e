/** One labelled fact of an audit event, as the console shows it. */
export interface DetailField {
  label: string;
  value: string;
}

/** A number of seconds as people say it: "none", "45 s", "5 min", "1 h 30 min", "7 days". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'none';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) {
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.round(seconds / 86_400);
  return `${d} day${d === 1 ? '' : 's'}`;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A plain value as text: lists joined, dates to the minute, never JSON. */
function text(v: unknown, empty = 'none'): string {
  if (v === null || v === undefined) return empty;
  if (Array.isArray(v)) return v.length ? v.map((x) => text(x)).join(', ') : empty;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return ISO.test(v) ? `${v.slice(0, 10)} ${v.slice(11, 16)} UTC` : v || empty;
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${text(x)}`)
      .join(', ');
  return String(v);
}

/** Field names whose meaning needs more than their spelling, and how to show their values. */
const FIELDS: Record<string, { label: string; show?: (v: unknown) => string }> = {
  name: { label: 'Name' },
  email: { label: 'Email' },
  role: { label: 'Role' },
  slug: { label: 'Slug' },
  scopes: { label: 'Scopes' },
  reason: { label: 'Reason' },
  expiresAt: { label: 'Expires', show: (v) => text(v, 'never') },
  gracePeriodSeconds: {
    label: 'Grace period',
    show: (v) => (typeof v === 'number' && v > 0 ? duration(v) : 'none: the old secret stopped at once'),
  },
  tokenTtlSeconds: {
    label: 'Token lifetime',
    show: (v) => (typeof v === 'number' ? duration(v) : 'server default'),
  },
  ttlSeconds: {
    label: 'Token lifetime',
    show: (v) => (typeof v === 'number' ? duration(v) : 'server default'),
  },
  allowedCidrs: { label: 'Allowed IP ranges', show: (v) => text(v, 'any address') },
  invitedBy: { label: 'Invited by' },
  newAccount: { label: 'New account' },
  maxActiveKeys: { label: 'Max active keys' },
  defaultExpiryDays: {
    label: 'Default expiry',
    show: (v) => (typeof v === 'number' ? `${v} days` : text(v)),
  },
  maxExpiryDays: { label: 'Longest expiry', show: (v) => (typeof v === 'number' ? `${v} days` : 'no limit') },
  allowNeverExpiry: { label: 'Keys may never expire' },
  previousState: { label: 'Previous state' },
  alg: { label: 'Algorithm' },
};

/** What a `from`/`to` change is about, per action. */
const CHANGED: Record<string, string> = {
  'key.renamed': 'name',
  'key.scopes_changed': 'scopes',
  'key.allowed_cidrs_changed': 'allowedCidrs',
  'key.token_ttl_changed': 'tokenTtlSeconds',
};

/** "maxActiveKeys" → "Max active keys"; "clientId" → "Client ID". */
function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .replace(/\bid\b/g, 'ID')
    .replace(/\bttl\b/g, 'TTL');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function field(key: string, v: unknown): DetailField {
  const f = FIELDS[key];
  return { label: f?.label ?? humanise(key), value: f?.show ? f.show(v) : text(v) };
}

const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  typeof v === 'object' && v !== null && 'from' in v && 'to' in v;

function change(key: string, v: { from: unknown; to: unknown }): DetailField {
  const from = field(key, v.from);
  return { label: from.label, value: `${from.value} → ${field(key, v.to).value}` };
}

/**
 * An event's details as labelled fields: changes as "from → to", durations in words,
 * lists as text. Client ids are left out: the console shows them with the other ids.
 */
export function detailFields(action: string, details: Record<string, unknown>): DetailField[] {
  const out: DetailField[] = [];
  const rest = { ...details };
  delete rest.clientId;
  if (isChange(rest)) {
    out.push(change(CHANGED[action] ?? 'value', rest));
    delete rest.from;
    delete rest.to;
  }
  for (const [key, v] of Object.entries(rest)) {
    if (key === 'changes' && typeof v === 'object' && v !== null) {
      for (const [k, c] of Object.entries(v as Record<string, unknown>))
        out.push(isChange(c) ? change(k, c) : field(k, c));
    } else if (isChange(v)) {
      out.push(change(key, v));
    } else {
      out.push(field(key, v));
    }
  }
  return out;
}
