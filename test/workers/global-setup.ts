import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createKey } from '../../src/api-keys/create-key';
import { BUILTIN_SCOPE_CATALOG } from '../../src/api-keys/scopes';
import { operatorActor } from '../../src/audit/actor';
import { migrate } from '../../src/db/migrate';
import { readMigrations } from '../../src/db/migrations-dir';
import { openPostgres } from '../../src/db/postgres';
import { createOrg } from '../../src/orgs/create-org';
import { generateKekBase64 } from '../../src/signing/kek';

declare module 'vitest' {
  export interface ProvidedContext {
    workerDatabaseUrl: string;
    workerKek: string;
    workerClient: { clientId: string; clientSecret: string; orgId: string };
  }
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Runs in Node before workerd starts: a Worker expects a migrated database and cannot
 * read migrations/ itself, so this creates a database of its own for the run, migrates
 * it, seeds an org and a key through the real services, and hands the worker its URL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL || DEFAULT_SERVER;
  // A database (not a schema) per run: the worker's connection string can name it directly.
  const name = `keymint_workers_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const drop = async () => {
    // WITH (FORCE) first terminates the connections workerd left open (they are never ended).
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end({ timeout: 5 });
  };
  await admin.unsafe(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = openPostgres(url.toString(), { max: 1 });
    try {
      await migrate(database, readMigrations());
      const now = new Date();
      const actor = operatorActor('workers-test');
      const org = await createOrg(database.db, now, actor, { slug: 'workers', name: 'Workers test' });
      const { key, secret } = await createKey(
        { db: database.db, now, catalog: BUILTIN_SCOPE_CATALOG, actor },
        org.id,
        { name: 'workerd', scopes: ['read:*'], expiresIn: '30d' },
      );
      project.provide('workerDatabaseUrl', url.toString());
      project.provide('workerKek', generateKekBase64());
      project.provide('workerClient', { clientId: key.clientId, clientSecret: secret, orgId: org.id });
    } finally {
      await database.close();
    }
  } catch (e) {
    await drop();
    throw e;
  }
  return drop;
}
