import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate';
import { readMigrations } from '../../src/db/migrations-dir';
import { dumpPglite, openPglite } from '../../src/db/pglite';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
  }
}

/**
 * Builds one migrated PGlite image for the whole run: opening a copy takes about half
 * a second, building a fresh database about five.
 */
export default async function setup(project: TestProject) {
  const database = await openPglite(undefined);
  await migrate(database, readMigrations());
  const dump = await dumpPglite(database);
  await database.close();
  const path = join(tmpdir(), `keymint-test-image-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteSnapshot', path);
}
