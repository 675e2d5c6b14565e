import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';

describe('parseConfig', () => {
  it('applies the contract defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      issuerUrl: 'http://localhost:8787',
      apiAudience: 'http://localhost:8787',
      databaseUrl: 'pglite://./data',
      signingAlg: 'RS256',
      signingKeyRotationDays: 30,
      tokenTtlSeconds: 300,
      bcryptCost: 10,
      trustProxy: [],
      federationIssuers: ['https://token.actions.githubusercontent.com'],
    });
    expect(c.kek).toBeUndefined();
    expect(c.graphqlUpstream).toBeUndefined();
  });

  it('derives the issuer from PORT and the audience from the issuer', () => {
    expect(parseConfig({ PORT: '9000' }).issuerUrl).toBe('http://localhost:9000');
    const c = parseConfig({ ISSUER_URL: 'https://auth.example.com/' });
    expect(c.issuerUrl).toBe('https://auth.example.com');
    expect(c.apiAudience).toBe('https://auth.example.com');
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '', SIGNING_ALG: '' }).port).toBe(8787);
  });

  it('refuses bad values with one line naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /^PORT: /],
      [{ PORT: '70000' }, /^PORT: /],
      [{ SIGNING_ALG: 'HS256' }, /^SIGNING_ALG: /],
      [{ TOKEN_TTL_SECONDS: '30' }, /^TOKEN_TTL_SECONDS: /],
      [{ ISSUER_URL: 'ftp://x' }, /^ISSUER_URL: /],
      [{ DATABASE_URL: 'mysql://u:hunter2@h/db' }, /^DATABASE_URL: /],
      [{ KEYMINT_KEK: 'c2hvcnQ=' }, /^KEYMINT_KEK: /],
      [{ TRUST_PROXY: '10.0.0.0/8, nonsense' }, /^TRUST_PROXY: .*nonsense/],
      [{ FEDERATION_ISSUERS: 'http://evil.example' }, /^FEDERATION_ISSUERS: .*https/],
      [{ SIGNING_KEY_ROTATION_DAYS: '0' }, /^SIGNING_KEY_ROTATION_DAYS: /],
    ];
    for (const [env, pattern] of cases) {
      let error: unknown;
      try {
        parseConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret setting', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(/^(?!.*hunter2)/);
    expect(() => parseConfig({ KEYMINT_KEK: 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=' })).toThrow(/^(?!.*c2VjcmV0)/);
  });

  it('accepts loopback http federation issuers and proxy lists', () => {
    const c = parseConfig({
      FEDERATION_ISSUERS: 'http://127.0.0.1:9999, https://a.example/',
      TRUST_PROXY: '10.0.0.0/8,::1',
    });
    expect(c.federationIssuers).toEqual(['http://127.0.0.1:9999', 'https://a.example']);
    expect(c.trustProxy.map((x) => x.text)).toEqual(['10.0.0.0/8', '::1/128']);
  });
});
