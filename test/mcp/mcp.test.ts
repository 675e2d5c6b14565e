import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { api, bearer } from '../helpers/api-client';
import { startTestServer } from '../helpers/listening-server';
import { requestToken } from '../helpers/oauth-client';
import type { TestApp } from '../helpers/test-app';

// /mcp through the official TypeScript SDK's client over real HTTP, as an agent host
// would use it: tools per scope, the management rules, challenges and discovery.
let t: TestApp & { url: string };
let org: { id: string; slug: string };
let other: { id: string; slug: string };
const clients: Client[] = [];

const ALL = ['read:keys', 'write:keys', 'read:usage', 'read:audit'];

beforeAll(async () => {
  t = await startTestServer();
  org = await t.newOrg('mcp-org');
  other = await t.newOrg('mcp-other');
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await t?.close();
});

async function connect(token: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'keymint-test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const r = await client.callTool({ name, arguments: args });
  return r as { isError?: boolean; structuredContent?: Record<string, unknown>; content: { text: string }[] };
}

const names = async (client: Client) => (await client.listTools()).tools.map((x) => x.name).sort();

describe('tools per scope', () => {
  it('lists only whoami for a token without management scopes', async () => {
    const client = await connect(await bearer(t, org.id, ['read:subjects']));
    expect(await names(client)).toEqual(['whoami']);
    const me = await call(client, 'whoami');
    expect(me.structuredContent).toMatchObject({
      org: { id: org.id, slug: 'mcp-org' },
      scopes: ['read:subjects'],
    });
  });

  it('lists the read tools for read:keys and every tool for all four scopes', async () => {
    expect(await names(await connect(await bearer(t, org.id, ['read:keys'])))).toEqual([
      'get_key',
      'list_keys',
      'whoami',
    ]);
    expect(await names(await connect(await bearer(t, org.id, ALL)))).toEqual([
      'create_key',
      'get_key',
      'get_usage',
      'list_audit_events',
      'list_keys',
      'revoke_key',
      'rotate_key',
      'update_key',
      'whoami',
    ]);
  });

  it('describes inputs with the management API’s field names and limits', async () => {
    const { tools } = await (await connect(await bearer(t, org.id, ALL))).listTools();
    const create = tools.find((x) => x.name === 'create_key');
    const props = create?.inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(props).sort()).toEqual(
      ['allowedCidrs', 'expiresAt', 'expiresIn', 'name', 'scopes', 'tokenTtlSeconds'].sort(),
    );
    expect(props.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(create?.inputSchema.required).toEqual(expect.arrayContaining(['name', 'scopes']));
    const update = tools.find((x) => x.name === 'update_key');
    expect(Object.keys(update?.inputSchema.properties ?? {})).toContain('key');
  });

  it('refuses a tool the scopes do not allow', async () => {
    const client = await connect(await bearer(t, org.id, ['read:keys']));
    const r = await client
      .callTool({ name: 'create_key', arguments: { name: 'x', scopes: ['read:keys'] } })
      .catch((e: Error) => e);
    expect(r instanceof Error ? r.message : JSON.stringify(r)).toMatch(/create_key/);
  });
});

describe('the management rules over MCP', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(await bearer(t, org.id, ALL));
  });

  it('creates a key whose secret appears once, then reads, updates, rotates and revokes it', async () => {
    const created = await call(client, 'create_key', {
      name: 'agent-made',
      scopes: ['read:keys'],
      expiresIn: '30d',
    });
    expect(created.isError).toBeFalsy();
    const key = created.structuredContent as {
      id: string;
      clientId: string;
      clientSecret: string;
      status: string;
    };
    expect(key.clientSecret).toMatch(/^kms_/);
    expect((await requestToken(t.app, { clientId: key.clientId, secret: key.clientSecret })).status).toBe(
      200,
    );

    const got = await call(client, 'get_key', { key: key.clientId });
    expect(got.structuredContent).toMatchObject({ id: key.id, name: 'agent-made', status: 'active' });
    expect(JSON.stringify(got)).not.toContain(key.clientSecret);
    const listed = await call(client, 'list_keys', { q: 'agent-made' });
    expect(((listed.structuredContent?.items ?? []) as { id: string }[]).map((k) => k.id)).toEqual([key.id]);

    const renamed = await call(client, 'update_key', { key: key.id, name: 'agent-renamed' });
    expect(renamed.structuredContent).toMatchObject({ name: 'agent-renamed' });
    const rotated = await call(client, 'rotate_key', { key: key.id });
    const secret = (rotated.structuredContent as { clientSecret: string }).clientSecret;
    expect(secret).not.toBe(key.clientSecret);
    expect((await requestToken(t.app, { clientId: key.clientId, secret: key.clientSecret })).status).toBe(
      401,
    );

    const revoked = await call(client, 'revoke_key', { key: key.id });
    expect(revoked.structuredContent).toMatchObject({ status: 'revoked' });
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(401);
  });

  it('answers refusals as tool errors with the problem’s detail', async () => {
    const escalate = await call(client, 'create_key', { name: 'too strong', scopes: ['write:subjects'] });
    expect(escalate.isError).toBe(true);
    expect(escalate.content[0]?.text).toMatch(/^forbidden: .*scopes its own token covers/);

    const stronger = await t.newKey(org.id, { name: 'stronger', scopes: ['*:*'] });
    const rotate = await call(client, 'rotate_key', { key: stronger.id });
    expect(rotate.isError).toBe(true);
    expect(rotate.content[0]?.text).toMatch(/^forbidden/);

    const theirs = await t.newKey(other.id, { name: 'other org' });
    const crossOrg = await call(client, 'get_key', { key: theirs.id });
    expect(crossOrg.isError).toBe(true);
    expect(crossOrg.content[0]?.text).toMatch(/^not-found/);

    const invalid = await call(client, 'create_key', { name: 'bad', scopes: ['read:planets'] });
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0]?.text).toMatch(/^validation: scopes\[0\]/);
  });

  it('holds the active-key limit', async () => {
    const small = await t.newOrg('mcp-small', 2);
    const c = await connect(await bearer(t, small.id, ALL));
    expect((await call(c, 'create_key', { name: 'second', scopes: ['read:keys'] })).isError).toBeFalsy();
    const third = await call(c, 'create_key', { name: 'third', scopes: ['read:keys'] });
    expect(third.isError).toBe(true);
    expect(third.content[0]?.text).toMatch(/^active-key-limit/);
  });

  it('audits changes with the key as actor, and serves usage and the audit log', async () => {
    const made = (await call(client, 'create_key', { name: 'audited', scopes: ['read:keys'] }))
      .structuredContent as { id: string };
    const me = (await call(client, 'whoami')).structuredContent as { clientId: string };
    const events = await call(client, 'list_audit_events', { limit: 200 });
    const items = events.structuredContent?.items as {
      action: string;
      actor: { type: string; id: string };
      target: { id: string };
    }[];
    // The test clock stands still, so events share a time: find this one by its target.
    const created = items.find((e) => e.action === 'key.created' && e.target.id === made.id);
    expect(created?.actor).toEqual({ type: 'key', id: me.clientId });
    const usage = await call(client, 'get_usage');
    expect(usage.structuredContent).toMatchObject({ totals: { issued: expect.any(Number) } });
  });
});

describe('credentials', () => {
  it('refuses a revoked key’s token on the very next call of a live session', async () => {
    const key = await t.newKey(org.id, { name: 'soon revoked', scopes: ['read:keys'] });
    const token = (await (await requestToken(t.app, key)).json()).access_token as string;
    const client = await connect(token);
    expect((await call(client, 'list_keys')).isError).toBeFalsy();
    await revokeKey(t.ctx(), org.id, key.id);
    await expect(call(client, 'list_keys')).rejects.toThrow(/401|invalid_token|revoked/i);
  });

  it('answers 401 with a challenge naming the protected-resource metadata and the scopes', async () => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const none = await fetch(`${t.url}/mcp`, { ...init, body });
    expect(none.status).toBe(401);
    const challenge = none.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      new RegExp(`^Bearer .*resource_metadata="${t.url}/.well-known/oauth-protected-resource"`),
    );
    expect(challenge).toMatch(/scope="read:keys write:keys read:usage read:audit"/);
    expect(challenge).not.toMatch(/error=/);
    const bad = await fetch(`${t.url}/mcp`, {
      ...init,
      body,
      headers: { ...init.headers, authorization: 'Bearer a.b.c' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('serves RFC 9728 metadata at both well-known paths', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const meta = await (await fetch(`${t.url}${path}`)).json();
      expect(meta).toMatchObject({
        resource: t.url,
        authorization_servers: [t.url],
        scopes_supported: ALL,
      });
    }
  });

  it('refuses a foreign Origin with 403', async () => {
    const token = await bearer(t, org.id, ['read:keys']);
    const res = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        origin: 'https://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(403);
  });

  it('lets the SDK’s ClientCredentialsProvider discover the issuer, get a token and connect', async () => {
    const key = await t.newKey(org.id, { name: 'sdk client', scopes: ALL });
    const client = new Client({ name: 'keymint-cc', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
      authProvider: new ClientCredentialsProvider({
        clientId: key.clientId,
        clientSecret: key.secret,
        expectedIssuer: t.url,
      }),
    });
    await client.connect(transport);
    clients.push(client);
    const me = await call(client, 'whoami');
    expect(me.structuredContent).toMatchObject({ clientId: key.clientId });
    expect(await api(t, 'GET', `/orgs/${org.slug}/keys`, {}).then((r) => r.status)).toBe(401);
  });
});
