import postgres from 'postgres';

/**
 * A PostgreSQL database of the fault tests' own, on the server of FAULT_DATABASE_URL
 * (or TEST_DATABASE_URL), that a test can make refuse connections as an outage would.
 */
export interface FaultDatabase {
  url: string;
  /** The database refuses new connections and loses the ones it had. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  query<T extends Record<string, unknown>>(text: string): Promise<T[]>;
  drop(): Promise<void>;
}

export function faultServerUrl(): string {
  const url = process.env.FAULT_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('the fault tests need PostgreSQL: set FAULT_DATABASE_URL or TEST_DATABASE_URL');
  return url;
}

export async function createFaultDatabase(): Promise<FaultDatabase> {
  const admin = new URL(faultServerUrl());
  admin.pathname = '/postgres';
  admin.search = '';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  const name = `keymint_fault_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  await sql.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const terminate = () =>
    sql.unsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
  return {
    url: url.toString(),
    async cut() {
      await sql.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await terminate();
    },
    async restore() {
      await sql.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    },
    async query<T extends Record<string, unknown>>(text: string) {
      const reader = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        return (await reader.unsafe(text)) as unknown as T[];
      } finally {
        await reader.end({ timeout: 1 });
      }
    },
    async drop() {
      await sql.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => {});
      await terminate().catch(() => {});
      await sql.unsafe(`DROP DATABASE IF EXISTS "${name}"`);
      await sql.end({ timeout: 1 });
    },
  };
}
