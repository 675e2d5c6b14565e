import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { lockTable } from '../helpers/table-lock';
import { createTestApp, type TestApp } from '../helpers/test-app';

// A console page that looks one thing up (a key, a federation) answers "Not found" only
// when the thing is missing, and a form shows an error beside its fields only for a
// mistake in them. When the database drops the connection in the middle of the lookup
// or the save, the page says the service is unavailable (503 and Retry-After), as every
// other surface does, instead of claiming the key does not exist or the form is wrong.
//
// The drop is real and lands exactly on the lookup: another session holds the table
// locked, the page's query waits on the lock, and the test terminates that backend.
let t: TestApp;
let admin: ConsoleUser;
let locker: postgres.Sql;
let pages: { table: string; path: string; send: () => Promise<Response> }[];

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  const org = await t.newOrg('refusals');
  admin = await consoleUser(t, org.id, 'admin@refusals.example');
  const key = await t.newKey(org.id);
  const federation = await createFederation(federationContext(t.ctx(), t.config), org.id, {
    name: 'deploys',
    issuer: 'https://token.actions.githubusercontent.com',
    claims: { repository_id: '1', repository_owner_id: '2', repository: 'acme/web' },
    scopes: ['read:subjects'],
  });
  const base = `/console/orgs/${org.slug}`;
  const page = (table: string, path: string) => ({ table, path, send: () => admin.get(path) });
  const rename = `${base}/keys/${key.id}/update`;
  pages = [
    page('api_keys', `${base}/keys/${key.id}`),
    page('api_keys', `${base}/keys/${key.id}/revoke`),
    page('federations', `${base}/federations/${federation.id}`),
    // A form whose save the database cannot take is not a mistake in the form.
    { table: 'api_keys', path: rename, send: () => admin.post(rename, { name: 'renamed' }) },
  ];
  locker = postgres(t.testDb.url as string, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await locker?.end();
  await t?.close();
});

/** Runs `request` while `table` is locked, and terminates the backend that waits on it. */
async function dropConnectionDuring(table: string, request: () => Promise<Response>): Promise<Response> {
  const lock = await lockTable(locker, table);
  const answer = request();
  try {
    for (let i = 0; ; i++) {
      const [waiting] = await locker`
        SELECT pid FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE ${`%"${table}"%`} AND pid <> pg_backend_pid()`;
      if (waiting) {
        await locker`SELECT pg_terminate_backend(${waiting.pid})`;
        break;
      }
      if (i > 200) throw new Error(`no query waited on ${table}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return await answer;
  } finally {
    await lock.release();
  }
}

describe('a console lookup the database cannot answer', () => {
  it('is a 503 page with Retry-After, never "Not found"', async () => {
    for (const { table, path, send } of pages) {
      const res = await dropConnectionDuring(table, send);
      const html = await res.text();
      expect(res.status, path).toBe(503);
      expect(Number(res.headers.get('retry-after')), path).toBeGreaterThan(0);
      expect(html, path).toContain('Temporarily unavailable');
      expect(html, path).not.toContain('Not found');
      // It works again on the next request: the pool replaced the connection.
      expect((await send()).status, path).toBe(200);
    }
  });
});
