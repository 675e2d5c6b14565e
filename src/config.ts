import { z } from 'zod';
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from './api-keys/key-fields';
import { type Cidr, parseCidr } from './lib/ip';
import { SIGNING_ALGS } from './signing/algorithms';

/** Everything keymint reads from its environment, parsed once at start-up. */
export type Config = z.infer<typeof configSchema>;

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const url = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const cidrList = z.string().transform((text, ctx): Cidr[] => {
  const out: Cidr[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const c = parseCidr(part);
    if (!c) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not a CIDR` });
      return z.NEVER;
    }
    out.push(c);
  }
  return out;
});

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const issuerList = z.string().transform((text, ctx): string[] => {
  const out: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean)) {
    let u: URL;
    try {
      u = new URL(part);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not a URL` });
      return z.NEVER;
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname))) {
      ctx.addIssue({ code: 'custom', message: `"${part}" must use https (plain http only for loopback)` });
      return z.NEVER;
    }
    out.push(part);
  }
  return out;
});

const scopeList = z.string().transform((text, ctx): string[] => {
  const out: string[] = [];
  for (const s of text.split(/[\s,]+/).filter(Boolean)) {
    if (!/^(read|write|admin):[a-z][a-z0-9_.-]*$/.test(s)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not action:resource with action read, write or admin`,
      });
      return z.NEVER;
    }
    if (!out.includes(s)) out.push(s);
  }
  return out;
});

const kek = z
  .string()
  .refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), 'must be base64 of exactly 32 bytes')
  .optional();

export const configSchema = z
  .object({
    PORT: int(1, 65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    ISSUER_URL: url.optional(),
    API_AUDIENCE: z.string().min(1).optional(),
    DATABASE_URL: z
      .string()
      .regex(
        /^(postgres(ql)?:\/\/|pglite:\/\/|memory:\/\/)/,
        'must start with postgres://, pglite:// or memory://',
      )
      .default('pglite://./data'),
    KEYMINT_KEK: kek,
    SIGNING_ALG: z.enum(SIGNING_ALGS).default('RS256'),
    SIGNING_KEY_ROTATION_DAYS: int(1, 3650).default(30),
    TOKEN_TTL_SECONDS: int(MIN_TOKEN_TTL, MAX_TOKEN_TTL).default(300),
    BCRYPT_COST: int(4, 15).default(10),
    TRUST_PROXY: cidrList.default([]),
    GRAPHQL_UPSTREAM: z.union([z.literal(''), url]).default(''),
    EXTRA_SCOPES: scopeList.default([]),
    USAGE_ACCOUNTING: z.enum(['on', 'off']).default('on'),
    FEDERATION_ISSUERS: issuerList.default(['https://token.actions.githubusercontent.com']),
    WORKER_PROCESSES: z
      .union([z.literal('auto'), int(1, 256)], { error: 'must be a whole number from 1 to 256, or auto' })
      .default(1),
  })
  .transform((e) => {
    const issuerUrl = e.ISSUER_URL ?? `http://localhost:${e.PORT}`;
    return {
      port: e.PORT,
      host: e.HOST,
      issuerUrl,
      apiAudience: e.API_AUDIENCE ?? issuerUrl,
      databaseUrl: e.DATABASE_URL,
      kek: e.KEYMINT_KEK,
      signingAlg: e.SIGNING_ALG,
      signingKeyRotationDays: e.SIGNING_KEY_ROTATION_DAYS,
      tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
      bcryptCost: e.BCRYPT_COST,
      trustProxy: e.TRUST_PROXY,
      graphqlUpstream: e.GRAPHQL_UPSTREAM || undefined,
      federationIssuers: e.FEDERATION_ISSUERS,
      usageAccounting: e.USAGE_ACCOUNTING === 'on',
      extraScopes: e.EXTRA_SCOPES,
      /** Node processes serving one port (PostgreSQL only); 'auto' is one per core. */
      workerProcesses: e.WORKER_PROCESSES,
    };
  });

export class ConfigError extends Error {}

/** A server database (postgres:// or postgresql://), not the embedded PGlite or memory://. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** The names of every setting, as the environment spells them. */
const SETTING_NAMES = Object.keys(configSchema.in.shape) as (keyof typeof configSchema.in.shape)[];

const SECRET_SETTINGS = new Set(['KEYMINT_KEK', 'DATABASE_URL']);

/**
 * Parses settings from an environment-like record. Empty strings count as unset, so
 * `PORT= npm start` behaves like no PORT at all. Throws ConfigError with one line
 * naming the variable.
 */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const picked: Record<string, string> = {};
  for (const key of SETTING_NAMES) {
    const v = source[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const result = configSchema.safeParse(picked);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  // Never echo values that may hold secrets (the KEK, a database password).
  const got = SECRET_SETTINGS.has(name) ? '' : ` (got ${JSON.stringify(source[name] ?? '')})`;
  throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}${got}`);
}

/** A variable that looks like a misspelt setting: keymint ignores it, and says so. */
export interface SettingWarning {
  variable: string;
  /** The setting it probably meant, when one is close. */
  suggestion?: string;
  message: string;
}

/** One setting as the server runs with it: never a secret's value. */
export interface EffectiveSetting {
  name: string;
  value: string;
  from: 'environment' | 'default';
}

/** Everything start-up reports about its settings: parsed, misspellings, and what is in effect. */
export interface Settings {
  config: Config;
  warnings: SettingWarning[];
  effective: EffectiveSetting[];
}

/**
 * parseConfig, plus what start-up reports: warnings for variables that look like misspelt
 * settings, and every setting's effective value and origin. Pure: the entry logs them.
 */
export function readSettings(source: Record<string, string | undefined>): Settings {
  const config = parseConfig(source);
  return { config, warnings: settingWarnings(source), effective: effectiveSettings(config, source) };
}

/** Variables keymint reads that are not settings: the GitHub Actions runtime's, the tests'. */
const ALSO_READ = new Set([
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'TEST_DATABASE_URL',
]);

/** Variables that look like a misspelt setting (SIGNING_ALGO, TOKEN_TTL, DATABSE_URL, KEYMINT_KEY). */
export function settingWarnings(source: Record<string, string | undefined>): SettingWarning[] {
  const out: SettingWarning[] = [];
  for (const variable of Object.keys(source).sort()) {
    if ((SETTING_NAMES as string[]).includes(variable) || ALSO_READ.has(variable)) continue;
    const suggestion = nearestSetting(variable);
    if (suggestion === undefined) continue;
    out.push(
      suggestion
        ? {
            variable,
            suggestion,
            message: `${variable} is not a keymint setting and is ignored; did you mean ${suggestion}?`,
          }
        : { variable, message: `${variable} is not a keymint setting and is ignored (README.md lists them)` },
    );
  }
  return out;
}

/**
 * The setting `variable` probably meant; '' when it only claims to be keymint's
 * (KEYMINT_…); undefined when it looks unrelated. Only close matches count: one edit for
 * short names (PORT, HOST: HOME and PGPORT are someone else's), two for longer ones, or
 * the leading words of a setting (TOKEN_TTL). Lower-case names only by their case.
 */
function nearestSetting(variable: string): string | undefined {
  const names = SETTING_NAMES as string[];
  const upper = variable.toUpperCase();
  if (upper !== variable) return names.includes(upper) ? upper : undefined;
  if (variable.startsWith('KEYMINT_') && names.includes(variable.slice('KEYMINT_'.length)))
    return variable.slice('KEYMINT_'.length);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const d = editDistance(variable, name);
    if (variable.length >= 4 && d <= (name.length >= 8 ? 2 : 1) && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best) return best;
  const words = variable.split('_');
  if (words.length >= 2) {
    const longer = names.find((name) => {
      const parts = name.split('_');
      return parts.length > words.length && words.every((w, i) => parts[i] === w);
    });
    if (longer) return longer;
    // A first word no other software uses: BCRYPT_ROUNDS, GRAPHQL_UPSTREAM_URL.
    if (DISTINCT_FIRST_WORDS.has(words[0] as string))
      return names.find((name) => name.startsWith(`${words[0]}_`));
  }
  return variable.startsWith('KEYMINT_') ? '' : undefined;
}

const DISTINCT_FIRST_WORDS = new Set(['BCRYPT', 'SIGNING', 'GRAPHQL', 'FEDERATION']);

/** Edits (insert, delete, substitute, swap two neighbours) from a to b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** A URL with any password (in the user part or a `password` parameter) replaced. */
export function withoutPassword(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.password) u.password = '***';
  for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
  return u.toString().replace(/%2A%2A%2A/g, '***');
}

const list = (items: readonly string[], none: string) => (items.length ? items.join(',') : none);

/** How each setting is shown in the start-up log: never a secret, never a password. */
const SHOWN: { [K in (typeof SETTING_NAMES)[number]]: (c: Config) => string } = {
  PORT: (c) => String(c.port),
  HOST: (c) => c.host,
  ISSUER_URL: (c) => c.issuerUrl,
  API_AUDIENCE: (c) => c.apiAudience,
  DATABASE_URL: (c) => withoutPassword(c.databaseUrl),
  KEYMINT_KEK: (c) => (c.kek ? '(set; not shown)' : 'keys/kek (generated on the first start)'),
  SIGNING_ALG: (c) => c.signingAlg,
  SIGNING_KEY_ROTATION_DAYS: (c) => String(c.signingKeyRotationDays),
  TOKEN_TTL_SECONDS: (c) => String(c.tokenTtlSeconds),
  BCRYPT_COST: (c) => String(c.bcryptCost),
  TRUST_PROXY: (c) =>
    list(
      c.trustProxy.map((x) => x.text),
      '(none: the socket address is the client)',
    ),
  GRAPHQL_UPSTREAM: (c) =>
    c.graphqlUpstream ? withoutPassword(c.graphqlUpstream) : '(none: built-in schema)',
  EXTRA_SCOPES: (c) => list(c.extraScopes, '(none)'),
  USAGE_ACCOUNTING: (c) => (c.usageAccounting ? 'on' : 'off'),
  FEDERATION_ISSUERS: (c) => list(c.federationIssuers, '(none)'),
  WORKER_PROCESSES: (c) => String(c.workerProcesses),
};

export function effectiveSettings(
  config: Config,
  source: Record<string, string | undefined>,
): EffectiveSetting[] {
  return SETTING_NAMES.map((name) => ({
    name,
    value: SHOWN[name](config),
    from: source[name] !== undefined && source[name] !== '' ? 'environment' : 'default',
  }));
}
