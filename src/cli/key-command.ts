import { createKey } from '../api-keys/create-key';
import { type KeyView, toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { findOrg } from '../orgs/find-org';
import { noMoreArguments, parseCommand, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { dateOrNever, keyContext } from './key-cli';
import { keyImport } from './key-import-command';
import { keyDelete, keyEnabled, keyRename, keyRevoke, keyRotate, keyShow } from './key-one-commands';
import { print, table } from './output';
import { KEY_USAGE } from './usage';

export async function keyCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create':
      return keyCreate(io, rest);
    case 'list':
      return keyList(io, rest);
    case 'show':
      return keyShow(io, rest);
    case 'rename':
      return keyRename(io, rest);
    case 'disable':
    case 'enable':
      return keyEnabled(io, rest, sub === 'enable');
    case 'rotate':
      return keyRotate(io, rest);
    case 'revoke':
      return keyRevoke(io, rest);
    case 'delete':
      return keyDelete(io, rest);
    case 'import':
      return keyImport(io, rest);
    default:
      throw usageError(
        `${sub ? `unknown key command "${sub}"` : 'a key command is required'}; one of: ${Object.keys(KEY_USAGE).join(', ')} (keymint key --help)`,
      );
  }
}

async function keyCreate(io: CliIo, rest: string[]): Promise<void> {
  const usage = KEY_USAGE.create.usage;
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
    usage,
  );
  noMoreArguments(positionals, usage);
  const orgRef = required(values.org, '--org', usage);
  const name = required(values.name, '--name', usage);
  if (!values.scope?.length) throw usageError(`at least one --scope is required; usage: ${usage}`);
  await withDatabase(io, 'key create', async (database, config) => {
    const org = await findOrg(database.db, orgRef);
    const ctx = keyContext(io, database, config);
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
}

async function keyList(io: CliIo, rest: string[]): Promise<void> {
  const usage = KEY_USAGE.list.usage;
  const { values, positionals } = parseCommand(
    rest,
    { org: { type: 'string' }, status: { type: 'string' } },
    usage,
  );
  noMoreArguments(positionals, usage);
  const orgRef = required(values.org, '--org', usage);
  await withDatabase(io, 'key list', async (database) => {
    const org = await findOrg(database.db, orgRef);
    const now = io.clock.now();
    const items: KeyView[] = [];
    let cursor: string | undefined;
    do {
      const page = await listKeys(database.db, org.id, now, { status: values.status, limit: 100, cursor });
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
}
