// Throw-away PostgreSQL databases, one per measured pair, dropped on clean-up.
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Alg } from './bench-options';
import { onCleanup } from './cleanup';

export interface BenchDb {
  name: string;
  url: string;
  /** Settings shared by every keymint process on this database (the CLI's too). */
  env: Record<string, string>;
  /** Backends of this database, of one application_name (PGAPPNAME) when given. */
  backends(app?: string): Promise<number[]>;
  drop(): Promise<void>;
}

/** A throw-away database, dropped on cleanup. */
export async function createBenchDb(sql: postgres.Sql, adminUrl: string, alg: Alg): Promise<BenchDb> {
  const name = `keymint_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await sql.unsafe(`CREATE DATABASE "${name}"`);
  const drop = onCleanup(async () => {
    await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    env: {
      DATABASE_URL: url.toString(),
      HOST: '127.0.0.1',
      KEYMINT_KEK: randomBytes(32).toString('base64'),
      SIGNING_ALG: alg,
    },
    backends: async (app) =>
      (app === undefined
        ? await sql`SELECT pid FROM pg_stat_activity WHERE datname = ${name}`
        : await sql`SELECT pid FROM pg_stat_activity WHERE datname = ${name} AND application_name = ${app}`
      ).map((r) => Number(r.pid)),
    drop,
  };
}
