import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { apiKeys, federations, memberships, users } from '../db/schema/index';

export interface FilterOption {
  value: string;
  label: string;
}

export interface AuditFilterOptions {
  /** People of the organisation (by email), then the operator's CLI and the set-up link. */
  actors: FilterOption[];
  keys: FilterOption[];
  federations: FilterOption[];
}

/** What the console's audit filters offer, by name; values are the ids events record. */
export async function auditFilterOptions(db: Executor, orgId: string): Promise<AuditFilterOptions> {
  const people = await db
    .select({ id: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
  const clients = async (table: typeof apiKeys | typeof federations) =>
    (
      await db
        .select({ id: table.id, name: table.name, deletedAt: table.deletedAt })
        .from(table)
        .where(eq(table.orgId, orgId))
        .orderBy(asc(table.name))
    ).map((r) => ({ value: r.id, label: r.deletedAt ? `${r.name} (deleted)` : r.name }));
  return {
    actors: [
      ...people.map((p) => ({ value: p.id, label: p.email })),
      { value: 'cli', label: 'CLI (operator)' },
      { value: 'setup link', label: 'Set-up link' },
    ],
    keys: await clients(apiKeys),
    federations: await clients(federations),
  };
}

/** A key's or federation's ids, for the filter that also matches it acting. */
export async function clientOf(
  db: Executor,
  orgId: string,
  id: string,
): Promise<{ id: string; clientId: string } | undefined> {
  for (const table of [apiKeys, federations] as const) {
    const [row] = await db
      .select({ id: table.id, clientId: table.clientId, orgId: table.orgId })
      .from(table)
      .where(eq(table.id, id));
    if (row && row.orgId === orgId) return { id: row.id, clientId: row.clientId };
  }
  return undefined;
}
