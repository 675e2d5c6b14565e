import { createKey } from '../api-keys/create-key';
import type { KeyServiceContext } from '../api-keys/key-service-context';
import { type KeyView, toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { scopeCatalog } from '../api-keys/scopes';
import { operatorActor } from '../audit/actor';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { findOrg } from '../orgs/find-org';
import { parseCommand, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { print, table } from './output';

const USAGE = {
  create:
    'keymint key create --org <slug> --name <name> --scope <scope>… [--expires-in 30d|60d|90d|180d|1y|never] [--expires-at <RFC 3339>] [--ttl <seconds>] [--allow-ip <cidr>]… [--json]',
  list: 'keymint key list --org <slug> [--status active|disabled|expired|revoked|all] [--json]',
  rotate: 'keymint key rotate <key> --org <slug> [--grace-period <seconds>] [--json]',
  revoke: 'keymint key revoke <key> --org <slug> [--json]',
};

function context(io: CliIo, database: Database, config: Config): KeyServiceContext {
  return {
    db: database.db,
    now: io.clock.now(),
    catalog: scopeCatalog(config.extraScopes),
    actor: operatorActor(),
  };
}

function onePositional(positionals: string[], usage: string): string {
  const ref = required(positionals[0], '<key>', usage);
  if (positionals.length > 1) throw usageError(`unexpected argument "${positionals[1]}"; usage: ${usage}`);
  return ref;
}

const dateOrNever = (iso: string | null) => iso ?? 'never';

export async function keyCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parseCommand(
        rest,
        {
          org: { type: 'string' },
          name: { type: 'string' },
          scope: { type: 'string', multiple: true },
          'expires-in': { type: 'string' },
          'expires-at': { type: 'string' },
          ttl: { type: 'string' },
          'allow-ip': { type: 'string', multiple: true },
        },
        USAGE.create,
      );
      if (positionals.length > 0)
        throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE.create}`);
      const orgRef = required(values.org, '--org', USAGE.create);
      const name = required(values.name, '--name', USAGE.create);
      if (!values.scope?.length) throw usageError(`at least one --scope is required; usage: ${USAGE.create}`);
      await withDatabase(io, 'key create', async (database, config) => {
        const org = await findOrg(database.db, orgRef);
        const ctx = context(io, database, config);
        const { key, secret } = await createKey(ctx, org.id, {
          name,
          scopes: values.scope ?? [],
          expiresIn: values['expires-in'],
          expiresAt: values['expires-at'],
          tokenTtlSeconds: wholeNumber(values.ttl, '--ttl'),
          allowedCidrs: values['allow-ip'],
        });
        const view = toKeyView(key, ctx.now);
        print(io.stdout, !!values.json, { ...view, clientSecret: secret }, () =>
          [
            `Created key "${view.name}" (${view.id}) in ${org.slug}`,
            `client_id:     ${view.clientId}`,
            `client_secret: ${secret}`,
            `scopes:        ${view.scopes.join(' ')}`,
            `expires:       ${dateOrNever(view.expiresAt)}`,
            'The secret is shown only now: store it in your secret manager.',
          ].join('\n'),
        );
      });
      return;
    }
    case 'list': {
      const { values, positionals } = parseCommand(
        rest,
        { org: { type: 'string' }, status: { type: 'string' } },
        USAGE.list,
      );
      if (positionals.length > 0)
        throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE.list}`);
      const orgRef = required(values.org, '--org', USAGE.list);
      await withDatabase(io, 'key list', async (database) => {
        const org = await findOrg(database.db, orgRef);
        const now = io.clock.now();
        const items: KeyView[] = [];
        let cursor: string | undefined;
        do {
          const page = await listKeys(database.db, org.id, now, {
            status: values.status,
            limit: 100,
            cursor,
          });
          items.push(...page.items.map((k) => toKeyView(k, now)));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        print(io.stdout, !!values.json, { items, nextCursor: null }, () =>
          items.length === 0
            ? `No ${values.status ?? 'active'} keys in ${org.slug}`
            : table(
                ['ID', 'NAME', 'CLIENT ID', 'SECRET', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED'],
                items.map((k) => [
                  k.id,
                  k.name,
                  k.clientId,
                  k.secretPreview,
                  k.status,
                  k.scopes.join(' '),
                  dateOrNever(k.expiresAt),
                  k.lastUsedAt ?? '-',
                ]),
              ),
        );
      });
      return;
    }
    case 'rotate': {
      const { values, positionals } = parseCommand(
        rest,
        { org: { type: 'string' }, 'grace-period': { type: 'string' } },
        USAGE.rotate,
      );
      const ref = onePositional(positionals, USAGE.rotate);
      const orgRef = required(values.org, '--org', USAGE.rotate);
      await withDatabase(io, 'key rotate', async (database, config) => {
        const org = await findOrg(database.db, orgRef);
        const ctx = context(io, database, config);
        const grace = wholeNumber(values['grace-period'], '--grace-period') ?? 0;
        const { key, secret } = await rotateKey(ctx, org.id, ref, grace);
        const view = toKeyView(key, ctx.now);
        print(io.stdout, !!values.json, { ...view, clientSecret: secret }, () =>
          [
            `Rotated key "${view.name}" (${view.clientId})`,
            `client_secret: ${secret}`,
            grace > 0
              ? `The previous secret keeps working for ${grace} s.`
              : 'The previous secret no longer works.',
          ].join('\n'),
        );
      });
      return;
    }
    case 'revoke': {
      const { values, positionals } = parseCommand(rest, { org: { type: 'string' } }, USAGE.revoke);
      const ref = onePositional(positionals, USAGE.revoke);
      const orgRef = required(values.org, '--org', USAGE.revoke);
      await withDatabase(io, 'key revoke', async (database, config) => {
        const org = await findOrg(database.db, orgRef);
        const ctx = context(io, database, config);
        const key = await revokeKey(ctx, org.id, ref);
        const view = toKeyView(key, ctx.now);
        print(
          io.stdout,
          !!values.json,
          view,
          () => `Revoked key "${view.name}" (${view.clientId}) at ${view.revokedAt}`,
        );
      });
      return;
    }
    default:
      throw usageError(`unknown key command "${sub ?? ''}"; one of: create, list, rotate, revoke`);
  }
}
