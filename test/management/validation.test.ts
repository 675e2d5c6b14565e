import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem, expectValidation } from './problems';

let t: TestApp;
let token: string;
let keysPath: string;
let target: { id: string; clientId: string };
let targetPath: string;

const JSON_TYPE = { 'content-type': 'application/json' };
const valid = { name: 'ci deploy', scopes: ['read:keys'] };

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  const org = await t.newOrg('validation', 1000);
  token = await bearer(t, org.id, ['read:keys', 'write:keys', 'read:usage', 'read:audit']);
  keysPath = `/orgs/${org.slug}/keys`;
  target = await t.newKey(org.id, { name: 'target', scopes: ['read:keys'] });
  targetPath = `${keysPath}/${target.id}`;
});
afterAll(() => t?.close());

/** What a refused request must leave alone: every key of the org and the audit log. */
async function snapshot(): Promise<unknown> {
  const keys = await api(t, 'GET', `${keysPath}?status=all&limit=100`, { token });
  expect(keys.status).toBe(200);
  const audit = await api(t, 'GET', `${keysPath.replace(/\/keys$/, '')}/audit-events?limit=1`, { token });
  expect(audit.status).toBe(200);
  return { keys: await keys.json(), latestAudit: (await audit.json()).items[0]?.id ?? null };
}

async function refused(
  method: string,
  path: string,
  request: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
  check: (res: Response) => Promise<unknown>,
): Promise<void> {
  const before = await snapshot();
  await check(await api(t, method, path, { token, ...request }));
  expect(await snapshot()).toEqual(before);
}

describe('POST /orgs/{org}/keys refuses invalid input with a validation problem and creates nothing', () => {
  it('malformed JSON', async () => {
    await refused(
      'POST',
      keysPath,
      { rawBody: '{"name": "x", "scopes": [', headers: JSON_TYPE },
      async (res) => {
        const p = await expectValidation(res, 'body');
        expect(p.detail).toMatch(/JSON/);
      },
    );
  });

  it.each([['[]'], ['null'], ['"a key"'], ['42']])('JSON that is not an object: %s', async (raw) => {
    await refused('POST', keysPath, { rawBody: raw, headers: JSON_TYPE }, (res) => expectValidation(res));
  });

  it.each([
    ['name: 5', { ...valid, name: 5 }, 'name'],
    ['scopes: "read:keys"', { ...valid, scopes: 'read:keys' }, 'scopes'],
    ['scopes: [5]', { ...valid, scopes: [5] }, 'scopes[0]'],
    ['tokenTtlSeconds: "60"', { ...valid, tokenTtlSeconds: '60' }, 'tokenTtlSeconds'],
    ['allowedCidrs: "10.0.0.0/8"', { ...valid, allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
    ['expiresAt: 1893456000', { ...valid, expiresAt: 1893456000 }, 'expiresAt'],
  ])('wrong type %s', async (_label, body, field) => {
    await refused('POST', keysPath, { body }, (res) => expectValidation(res, field));
  });

  it('names every wrongly typed field at once', async () => {
    await refused(
      'POST',
      keysPath,
      { body: { name: 5, scopes: 'read:keys', tokenTtlSeconds: '60' } },
      (res) => expectValidation(res, 'name', 'scopes', 'tokenTtlSeconds'),
    );
  });

  it.each([
    ['foo', { ...valid, foo: 1 }],
    ['clientSecret', { ...valid, clientSecret: 'kms_chosen' }],
    ['orgId', { ...valid, orgId: 'org_other' }],
  ])('unknown field %s', async (field, body) => {
    await refused('POST', keysPath, { body }, async (res) => {
      const p = await expectValidation(res, field);
      expect(p.errors?.find((e) => e.field === field)?.message).toMatch(/known|unrecognized/i);
    });
  });

  it.each([
    ['empty', ''],
    ['101 characters', 'n'.repeat(101)],
    ['only spaces', '   '],
  ])('name %s', async (_label, name) => {
    await refused('POST', keysPath, { body: { ...valid, name } }, (res) => expectValidation(res, 'name'));
  });

  it.each([
    ['name', { scopes: ['read:keys'] }],
    ['scopes', { name: 'no scopes' }],
  ])('missing %s', async (field, body) => {
    await refused('POST', keysPath, { body }, (res) => expectValidation(res, field));
  });

  it('empty scopes', async () => {
    await refused('POST', keysPath, { body: { ...valid, scopes: [] } }, (res) =>
      expectValidation(res, 'scopes'),
    );
  });

  it.each([
    ['unknown resource', ['read:nothing'], 'scopes[0]'],
    ['unknown action', ['delete:keys'], 'scopes[0]'],
    ['no colon', ['readkeys'], 'scopes[0]'],
    ['upper case', ['read:keys', 'READ:KEYS'], 'scopes[1]'],
    ['empty string', [''], 'scopes[0]'],
    ['three parts', ['read:keys:all'], 'scopes[0]'],
  ])('scope with %s', async (_label, scopes, field) => {
    await refused('POST', keysPath, { body: { ...valid, scopes } }, (res) => expectValidation(res, field));
  });

  it.each([
    ['host bits set', '10.0.0.1/8'],
    ['octet over 255', '300.1.1.1/32'],
    ['IPv6 prefix over 128', '::/129'],
    ['not an address', 'example.com'],
    ['IPv4 prefix over 32', '10.0.0.0/33'],
  ])('allowed CIDR with %s', async (_label, cidr) => {
    await refused('POST', keysPath, { body: { ...valid, allowedCidrs: ['203.0.113.0/24', cidr] } }, (res) =>
      expectValidation(res, 'allowedCidrs[1]'),
    );
  });

  it('names each impossible CIDR', async () => {
    await refused(
      'POST',
      keysPath,
      { body: { ...valid, allowedCidrs: ['10.0.0.1/8', '300.1.1.1/32', '::/129'] } },
      (res) => expectValidation(res, 'allowedCidrs[0]', 'allowedCidrs[1]', 'allowedCidrs[2]'),
    );
  });

  it('names a bad scope and a bad CIDR in one answer', async () => {
    await refused(
      'POST',
      keysPath,
      { body: { ...valid, scopes: ['read:nothing'], allowedCidrs: ['10.0.0.0/33'] } },
      (res) => expectValidation(res, 'scopes[0]', 'allowedCidrs[0]'),
    );
  });

  it('expiresAt in the past, or now', async () => {
    const past = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
    await refused('POST', keysPath, { body: { ...valid, expiresAt: past } }, async (res) => {
      const p = await expectValidation(res, 'expiresAt');
      expect(p.errors?.[0]?.message).toMatch(/future/);
    });
    const now = t.clock.now().toISOString();
    await refused('POST', keysPath, { body: { ...valid, expiresAt: now } }, (res) =>
      expectValidation(res, 'expiresAt'),
    );
  });

  it.each([['tomorrow'], ['2030-13-01T00:00:00Z'], ['2030-01-01'], ['2030-01-01T00:00:00'], ['']])(
    'malformed expiresAt %j',
    async (expiresAt) => {
      await refused('POST', keysPath, { body: { ...valid, expiresAt } }, (res) =>
        expectValidation(res, 'expiresAt'),
      );
    },
  );

  it.each([['7d'], ['2y'], ['forever'], ['90D'], ['']])(
    'expiresIn %j that is not a preset',
    async (expiresIn) => {
      await refused('POST', keysPath, { body: { ...valid, expiresIn } }, (res) =>
        expectValidation(res, 'expiresIn'),
      );
    },
  );

  it('both expiresIn and expiresAt', async () => {
    const body = { ...valid, expiresIn: '30d', expiresAt: '2099-01-01T00:00:00Z' };
    await refused('POST', keysPath, { body }, (res) => expectValidation(res, /^expires(In|At)$/));
  });

  it.each([[59], [3601], [0], [-60], [120.5]])('tokenTtlSeconds %d', async (tokenTtlSeconds) => {
    await refused('POST', keysPath, { body: { ...valid, tokenTtlSeconds } }, (res) =>
      expectValidation(res, 'tokenTtlSeconds'),
    );
  });

  it('accepts the boundaries: a 100-character name, tokenTtlSeconds 60 and 3600', async () => {
    for (const tokenTtlSeconds of [60, 3600]) {
      const res = await api(t, 'POST', keysPath, {
        token,
        body: { ...valid, name: 'n'.repeat(100), tokenTtlSeconds },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ name: 'n'.repeat(100), tokenTtlSeconds });
    }
  });
});

describe('PATCH /orgs/{org}/keys/{id} refuses invalid input and leaves the key as it was', () => {
  it('malformed JSON', async () => {
    await refused('PATCH', targetPath, { rawBody: '{"name":', headers: JSON_TYPE }, (res) =>
      expectValidation(res, 'body'),
    );
  });

  it.each([
    ['name: 5', { name: 5 }, 'name'],
    ['scopes: "read:keys"', { scopes: 'read:keys' }, 'scopes'],
    ['tokenTtlSeconds: "60"', { tokenTtlSeconds: '60' }, 'tokenTtlSeconds'],
    ['enabled: "yes"', { enabled: 'yes' }, 'enabled'],
    ['enabled: 0', { enabled: 0 }, 'enabled'],
    ['allowedCidrs: "10.0.0.0/8"', { allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
  ])('wrong type %s', async (_label, body, field) => {
    await refused('PATCH', targetPath, { body }, (res) => expectValidation(res, field));
  });

  it.each([
    ['status', { status: 'active' }],
    ['expiresAt', { expiresAt: '2099-01-01T00:00:00Z' }],
    ['clientId', { clientId: 'km_0000000000000000000000' }],
    ['secret', { name: 'renamed', secret: 'kms_chosen' }],
  ])('unknown field %s', async (field, body) => {
    await refused('PATCH', targetPath, { body }, (res) => expectValidation(res, field));
  });

  it.each([
    ['name ""', { name: '' }, 'name'],
    ['name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
    ['empty scopes', { scopes: [] }, 'scopes'],
    ['unknown scope', { scopes: ['read:nothing'] }, 'scopes[0]'],
    ['bad scope grammar', { scopes: ['read:keys', 'keys'] }, 'scopes[1]'],
    ['CIDR with host bits', { allowedCidrs: ['10.0.0.1/8'] }, 'allowedCidrs[0]'],
    ['CIDR octet over 255', { allowedCidrs: ['300.1.1.1/32'] }, 'allowedCidrs[0]'],
    ['IPv6 prefix over 128', { allowedCidrs: ['::/129'] }, 'allowedCidrs[0]'],
    ['tokenTtlSeconds 59', { tokenTtlSeconds: 59 }, 'tokenTtlSeconds'],
    ['tokenTtlSeconds 3601', { tokenTtlSeconds: 3601 }, 'tokenTtlSeconds'],
  ])('%s', async (_label, body, field) => {
    await refused('PATCH', targetPath, { body }, (res) => expectValidation(res, field));
  });

  it('names a bad scope and a bad CIDR in one answer', async () => {
    await refused(
      'PATCH',
      targetPath,
      { body: { name: 'renamed', scopes: ['read:nothing'], allowedCidrs: ['::/129'] } },
      (res) => expectValidation(res, 'scopes[0]', 'allowedCidrs[0]'),
    );
  });

  it('applies none of a request whose other fields are valid', async () => {
    await refused(
      'PATCH',
      targetPath,
      { body: { name: 'renamed', enabled: false, scopes: ['read:keys'], tokenTtlSeconds: 3601 } },
      (res) => expectValidation(res, 'tokenTtlSeconds'),
    );
    await refused(
      'PATCH',
      targetPath,
      { body: { name: 'renamed', allowedCidrs: ['203.0.113.0/24', '10.0.0.1/8'] } },
      (res) => expectValidation(res, 'allowedCidrs[1]'),
    );
  });
});

describe('POST /orgs/{org}/keys/{id}/rotate refuses invalid input and keeps the secret', () => {
  it.each([
    ['-1', { gracePeriodSeconds: -1 }, 'gracePeriodSeconds'],
    ['86401', { gracePeriodSeconds: 86401 }, 'gracePeriodSeconds'],
    ['"60"', { gracePeriodSeconds: '60' }, 'gracePeriodSeconds'],
    ['1.5', { gracePeriodSeconds: 1.5 }, 'gracePeriodSeconds'],
    ['unknown field', { grace: 60 }, 'grace'],
  ])('gracePeriodSeconds %s', async (_label, body, field) => {
    await refused('POST', `${targetPath}/rotate`, { body }, (res) => expectValidation(res, field));
  });

  it('malformed JSON', async () => {
    await refused(
      'POST',
      `${targetPath}/rotate`,
      { rawBody: '{"gracePeriodSeconds":', headers: JSON_TYPE },
      (res) => expectValidation(res, 'body'),
    );
  });
});

describe('query parameters', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['status=bogus', 'status'],
    ['status=ACTIVE', 'status'],
    ['cursor=garbage', 'cursor'],
    ['cursor=%25%25%25', 'cursor'],
  ])('GET /orgs/{org}/keys?%s', async (query, field) => {
    await expectValidation(await api(t, 'GET', `${keysPath}?${query}`, { token }), field);
  });

  it.each([
    ['audit-events?limit=0', 'limit'],
    ['audit-events?limit=abc', 'limit'],
    ['audit-events?cursor=garbage', 'cursor'],
    ['usage?granularity=minute', 'granularity'],
  ])('GET /orgs/{org}/%s', async (query, field) => {
    const orgPath = keysPath.replace(/\/keys$/, '');
    await expectValidation(await api(t, 'GET', `${orgPath}/${query}`, { token }), field);
  });
});

describe('bodies that are too large or not JSON', () => {
  const big = { ...valid, name: 'n'.repeat(70 * 1024) };

  it('a body over 64 KiB is refused with 413 payload-too-large (POST, PATCH, rotate)', async () => {
    await refused('POST', keysPath, { body: big }, (res) => expectProblem(res, 413, 'payload-too-large'));
    await refused('PATCH', targetPath, { body: { name: big.name } }, (res) =>
      expectProblem(res, 413, 'payload-too-large'),
    );
    await refused('POST', `${targetPath}/rotate`, { body: { pad: big.name } }, (res) =>
      expectProblem(res, 413, 'payload-too-large'),
    );
  });

  it('a body under 64 KiB is read and validated (400, not 413)', async () => {
    await refused('POST', keysPath, { body: { ...valid, name: 'n'.repeat(60 * 1024) } }, (res) =>
      expectValidation(res, 'name'),
    );
  });

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    [null],
  ])('content type %s is refused with 415 (POST, PATCH, rotate)', async (contentType) => {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    for (const [method, path, body] of [
      ['POST', keysPath, valid],
      ['PATCH', targetPath, { name: 'renamed' }],
      ['POST', `${targetPath}/rotate`, { gracePeriodSeconds: 60 }],
    ] as const) {
      await refused(method, path, { rawBody: JSON.stringify(body), headers }, (res) =>
        expectProblem(res, 415, 'unsupported-media-type'),
      );
    }
  });

  it('application/json with a charset is JSON', async () => {
    const res = await api(t, 'POST', keysPath, {
      token,
      rawBody: JSON.stringify({ ...valid, name: 'charset' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });
});

describe('the target key after all refusals', () => {
  it('is exactly as it was created', async () => {
    const res = await api(t, 'GET', targetPath, { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: 'target',
      scopes: ['read:keys'],
      allowedCidrs: [],
      tokenTtlSeconds: null,
      status: 'active',
      rotatedAt: null,
    });
  });
});
