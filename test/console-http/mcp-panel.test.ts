import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The Integrate page's MCP panel: the endpoint, header and examples, and a connection
// test that lists the tools the picked key's token would see (through the real MCP server).
let t: TestApp;
let org: { id: string; slug: string };
let viewer: ConsoleUser;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('mcp-panel');
  viewer = await consoleUser(t, org.id, 'viewer@mcp.example', 'viewer');
});
afterAll(() => t?.close());

const integrate = `/console/orgs/mcp-panel/integrate`;
const toolNames = (html: string) => [...html.matchAll(/<li><code>([a-z_]+)<\/code>/g)].map((m) => m[1]);

describe('the MCP panel', () => {
  it('shows the endpoint, the header format, JSON-RPC examples and a client configuration', async () => {
    const html = await (await viewer.get(integrate)).text();
    expect(html).toContain('http://issuer.test/mcp');
    expect(html).toContain('Authorization: Bearer &lt;access token');
    for (const method of ['initialize', 'tools/list', 'tools/call']) expect(html).toContain(method);
    expect(html).toContain('mcpServers');
  });

  it('lists exactly the tools a key’s token would see, for a viewer too, storing nothing', async () => {
    const reader = await t.newKey(org.id, { name: 'reader', scopes: ['read:keys', 'read:usage'] });
    const res = await viewer.post(`${integrate}/mcp-test`, {
      clientId: reader.clientId,
      clientSecret: reader.secret,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(toolNames(html).sort()).toEqual(['get_key', 'get_usage', 'list_keys', 'whoami']);
    expect(html).not.toContain(reader.secret);
  });

  it('says what /token answered when the secret is wrong', async () => {
    const key = await t.newKey(org.id, { name: 'wrong secret' });
    const res = await viewer.post(`${integrate}/mcp-test`, {
      clientId: key.clientId,
      clientSecret: generateSecret(),
    });
    const html = await res.text();
    expect(html).toContain('The token endpoint answered 401 invalid_client');
    expect(toolNames(html)).toEqual([]);
  });
});
