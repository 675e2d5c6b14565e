import { describe, expect, it } from 'vitest';
import { configSchema, readSettings, settingWarnings, withoutPassword } from '../../src/config';

const suggestions = (names: string[]) =>
  Object.fromEntries(
    settingWarnings(Object.fromEntries(names.map((n) => [n, 'x']))).map((w) => [
      w.variable,
      w.suggestion ?? '',
    ]),
  );

describe('misspelt settings', () => {
  it('names the setting a misspelt variable probably meant', () => {
    expect(
      suggestions([
        'SIGNING_ALGO',
        'TOKEN_TTL',
        'DATABSE_URL',
        'KEYMINT_KEY',
        'KEYMINT_PORT',
        'ISSUER_URI',
        'BCRYPT_ROUNDS',
        'GRAPHQL_UPSTREAM_URL',
        'FEDERATION_ISSUER',
        'PORTS',
        'database_url',
      ]),
    ).toEqual({
      SIGNING_ALGO: 'SIGNING_ALG',
      TOKEN_TTL: 'TOKEN_TTL_SECONDS',
      DATABSE_URL: 'DATABASE_URL',
      KEYMINT_KEY: 'KEYMINT_KEK',
      KEYMINT_PORT: 'PORT',
      ISSUER_URI: 'ISSUER_URL',
      BCRYPT_ROUNDS: 'BCRYPT_COST',
      GRAPHQL_UPSTREAM_URL: 'GRAPHQL_UPSTREAM',
      FEDERATION_ISSUER: 'FEDERATION_ISSUERS',
      PORTS: 'PORT',
      database_url: 'DATABASE_URL',
    });
    const [w] = settingWarnings({ SIGNING_ALGO: 'ES256' });
    expect(w?.message).toBe(
      'SIGNING_ALGO is not a keymint setting and is ignored; did you mean SIGNING_ALG?',
    );
    // It claims to be keymint's, but is close to nothing.
    expect(settingWarnings({ KEYMINT_FLAVOUR: 'x' })).toEqual([
      {
        variable: 'KEYMINT_FLAVOUR',
        message: 'KEYMINT_FLAVOUR is not a keymint setting and is ignored (README.md lists them)',
      },
    ]);
  });

  it('leaves alone the settings themselves and the variables of everything else on a machine', () => {
    const common = [
      ...Object.keys(configSchema.in.shape),
      'PATH',
      'HOME',
      'HOSTNAME',
      'HOSTTYPE',
      'PWD',
      'OLDPWD',
      'USER',
      'LOGNAME',
      'SHELL',
      'TERM',
      'LANG',
      'LC_ALL',
      'TZ',
      'TMPDIR',
      'NODE_ENV',
      'NODE_OPTIONS',
      'CI',
      'GITHUB_ACTIONS',
      'GITHUB_TOKEN',
      'RUNNER_OS',
      'HTTP_PROXY',
      'HTTPS_PROXY',
      'NO_PROXY',
      'PGHOST',
      'PGPORT',
      'PGUSER',
      'PGPASSWORD',
      'PGDATABASE',
      'DATABASE_URL_UNPOOLED',
      'REDIS_URL',
      'TEST_DATABASE_URL',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'npm_config_cache',
      'npm_lifecycle_event',
      'npm_package_version',
      'INIT_CWD',
      'EDITOR',
      'SHLVL',
      '_',
      'XDG_RUNTIME_DIR',
      'SSH_AUTH_SOCK',
    ];
    expect(settingWarnings(Object.fromEntries(common.map((n) => [n, 'x'])))).toEqual([]);
  });
});

describe('readSettings', () => {
  it('is pure: the same answer for the same environment, which it does not change', () => {
    const env = Object.freeze({ PORT: '9000', SIGNING_ALGO: 'ES256', DATABASE_URL: 'postgres://u:p@h/db' });
    const a = readSettings(env);
    expect(readSettings(env)).toEqual(a);
    expect(a.config.port).toBe(9000);
    expect(a.warnings.map((w) => w.variable)).toEqual(['SIGNING_ALGO']);
  });

  it('reports every setting with its effective value and origin, secrets hidden', () => {
    const kek = 'A'.repeat(43).concat('=');
    const { effective } = readSettings({
      PORT: '9000',
      KEYMINT_KEK: kek,
      DATABASE_URL: 'postgres://keymint:s3cret@db:5432/keymint?sslmode=require',
      TRUST_PROXY: '10.0.0.0/8',
      HOST: '',
    });
    expect(effective.map((s) => s.name)).toEqual(Object.keys(configSchema.in.shape));
    const by = Object.fromEntries(effective.map((s) => [s.name, s]));
    expect(by.PORT).toMatchObject({ value: '9000', from: 'environment' });
    expect(by.HOST).toMatchObject({ value: '127.0.0.1', from: 'default' }); // empty counts as unset
    expect(by.ISSUER_URL).toMatchObject({ value: 'http://localhost:9000', from: 'default' });
    expect(by.DATABASE_URL).toMatchObject({
      value: 'postgres://keymint:***@db:5432/keymint?sslmode=require',
      from: 'environment',
    });
    expect(by.KEYMINT_KEK).toMatchObject({ value: '(set; not shown)', from: 'environment' });
    expect(by.TRUST_PROXY).toMatchObject({ value: '10.0.0.0/8', from: 'environment' });
    expect(JSON.stringify(effective)).not.toMatch(/s3cret|AAAA/);
    expect(readSettings({}).effective.find((s) => s.name === 'KEYMINT_KEK')).toMatchObject({
      value: 'keys/kek (generated on the first start)',
      from: 'default',
    });
  });

  it('redacts a password in the user part or in a parameter', () => {
    expect(withoutPassword('postgres://u:p%40ss@h/db')).toBe('postgres://u:***@h/db');
    expect(withoutPassword('postgres://h/db?user=u&password=x')).toBe('postgres://h/db?user=u&password=***');
    expect(withoutPassword('pglite:///srv/data')).toBe('pglite:///srv/data');
    expect(withoutPassword('memory://')).toBe('memory://');
  });
});
