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
    };
  });

export class ConfigError extends Error {}

const SECRET_SETTINGS = new Set(['KEYMINT_KEK', 'DATABASE_URL']);

/**
 * Parses settings from an environment-like record. Empty strings count as unset, so
 * `PORT= npm start` behaves like no PORT at all. Throws ConfigError with one line
 * naming the variable.
 */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(configSchema.in.shape)) {
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
