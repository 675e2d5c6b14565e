import { and, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { apiKeys, federations, invites, orgs, users } from '../db/schema/index';
import type { AuditEventView } from './list-audit';

/** Someone or something in an audit event, named for people, with its ids at hand. */
export interface AuditParty {
  /** An email, a key's or federation's name, "CLI", "Set-up link", … */
  name: string;
  /** What it is, in words: "user", "key", "federation", "operator", "system", … */
  kind: string;
  /** The id the event (and the API) records. */
  id: string;
  /** A key's or federation's client id, when the event names one. */
  clientId?: string;
  /** Its console page, when it has one. */
  href?: string;
}

export interface AuditDirectory {
  actor(e: AuditEventView): AuditParty;
  target(e: AuditEventView): AuditParty;
}

interface Client {
  id: string;
  name: string;
  clientId: string;
  gone: boolean;
  page: 'keys' | 'federations';
}

const ids = (events: AuditEventView[], side: 'actor' | 'target', type: string) => [
  ...new Set(events.filter((e) => e[side].type === type).map((e) => e[side].id)),
];

/**
 * Names for the actors and targets of a page of events, in a handful of queries (one
 * per kind of thing), never one per row. Only this organisation's keys, federations
 * and invites are looked up, so nothing of another organisation can be named here.
 */
export async function auditDirectory(
  db: Executor,
  org: { id: string; slug: string; name: string },
  events: AuditEventView[],
): Promise<AuditDirectory> {
  const userIds = [...new Set([...ids(events, 'actor', 'user'), ...ids(events, 'target', 'user')])];
  const keyIds = ids(events, 'target', 'key');
  const fedIds = ids(events, 'target', 'federation');
  const clientIds = ids(events, 'actor', 'key');
  const inviteIds = ids(events, 'target', 'invite');
  const orgIds = ids(events, 'target', 'org').filter((id) => id !== org.id);

  const emails = new Map(
    userIds.length
      ? (
          await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds))
        ).map((u) => [u.id, u.email])
      : [],
  );
  const clients: Client[] = [];
  if (keyIds.length || clientIds.length) {
    const rows = await db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        clientId: apiKeys.clientId,
        deletedAt: apiKeys.deletedAt,
      })
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.orgId, org.id),
          or(
            keyIds.length ? inArray(apiKeys.id, keyIds) : undefined,
            clientIds.length ? inArray(apiKeys.clientId, clientIds) : undefined,
          ),
        ),
      );
    for (const r of rows) clients.push({ ...r, gone: r.deletedAt !== null, page: 'keys' });
  }
  if (fedIds.length || clientIds.length) {
    const rows = await db
      .select({
        id: federations.id,
        name: federations.name,
        clientId: federations.clientId,
        deletedAt: federations.deletedAt,
      })
      .from(federations)
      .where(
        and(
          eq(federations.orgId, org.id),
          or(
            fedIds.length ? inArray(federations.id, fedIds) : undefined,
            clientIds.length ? inArray(federations.clientId, clientIds) : undefined,
          ),
        ),
      );
    for (const r of rows) clients.push({ ...r, gone: r.deletedAt !== null, page: 'federations' });
  }
  const invited = new Map(
    inviteIds.length
      ? (
          await db
            .select({ id: invites.id, email: invites.email })
            .from(invites)
            .where(and(eq(invites.orgId, org.id), inArray(invites.id, inviteIds)))
        ).map((i) => [i.id, i.email])
      : [],
  );
  const orgNames = new Map([[org.id, org.name]]);
  if (orgIds.length) {
    for (const o of await db
      .select({ id: orgs.id, name: orgs.name })
      .from(orgs)
      .where(inArray(orgs.id, orgIds)))
      orgNames.set(o.id, o.name);
  }

  const client = (c: Client | undefined, id: string, fallbackKind: string): AuditParty => {
    if (!c) return { name: id, kind: fallbackKind, id };
    const party: AuditParty = {
      name: c.gone ? `${c.name} (deleted)` : c.name,
      kind: c.page === 'keys' ? 'key' : 'federation',
      id,
      clientId: c.clientId,
    };
    if (!c.gone) party.href = `/console/orgs/${org.slug}/${c.page}/${c.id}`;
    return party;
  };

  return {
    actor(e) {
      const { type, id } = e.actor;
      if (type === 'user') return { name: emails.get(id) ?? 'a removed user', kind: 'user', id };
      if (type === 'key')
        return client(
          clients.find((c) => c.clientId === id),
          id,
          'key',
        );
      if (type === 'operator')
        return { name: id === 'cli' ? 'CLI' : `Operator (${id})`, kind: 'operator', id };
      if (type === 'system')
        return { name: id === 'setup link' ? 'Set-up link' : `System (${id})`, kind: 'system', id };
      return { name: id, kind: type, id };
    },
    target(e) {
      const { type, id } = e.target;
      if (type === 'user') return { name: emails.get(id) ?? 'a removed user', kind: 'user', id };
      if (type === 'key' || type === 'federation')
        return client(
          clients.find((c) => c.id === id),
          id,
          type,
        );
      if (type === 'invite') {
        const email = invited.get(id);
        return { name: email ? `invite for ${email}` : 'an invite', kind: 'invite', id };
      }
      if (type === 'org') return { name: orgNames.get(id) ?? id, kind: 'organisation', id };
      if (type === 'token') return { name: 'an access token', kind: 'token', id };
      if (type === 'signing_key') return { name: `signing key ${id}`, kind: 'signing key', id };
      return { name: id, kind: type, id };
    },
  };
}
