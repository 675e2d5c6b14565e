import { deleteKey } from '../api-keys/delete-key';
import { findKey } from '../api-keys/find-key';
import type { KeyServiceContext } from '../api-keys/key-service-context';
import { type KeyView, toKeyView } from '../api-keys/key-view';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { updateKey } from '../api-keys/update-key';
import { findOrg } from '../orgs/find-org';
import { parseCommand, required, wholeNumber } from './args';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { keyContext, keyDetails, onePositional } from './key-cli';
import { print } from './output';
import { KEY_USAGE } from './usage';

type OneSub = 'show' | 'rename' | 'disable' | 'enable' | 'revoke' | 'delete';

interface Outcome {
  /** What --json prints: the API's object, or nothing where the API answers 204. */
  json?: unknown;
  human: string;
}

/**
 * A subcommand on one key, `<key> --org <slug>` plus its own flags, through the same
 * service the management API calls for it.
 */
async function onOneKey(
  io: CliIo,
  sub: OneSub,
  rest: string[],
  extra: Record<string, { type: 'string' }>,
  run: (
    ctx: KeyServiceContext,
    orgId: string,
    ref: string,
    flags: Record<string, string>,
  ) => Promise<Outcome>,
): Promise<void> {
  const usage = KEY_USAGE[sub].usage;
  const { values, positionals } = parseCommand(rest, { org: { type: 'string' }, ...extra }, usage);
  const ref = onePositional(positionals, usage);
  const given = values as Record<string, string | boolean | undefined>;
  const orgRef = required(values.org as string | undefined, '--org', usage);
  const flags: Record<string, string> = {};
  for (const flag of Object.keys(extra))
    flags[flag] = required(given[flag] as string | undefined, `--${flag}`, usage);
  await withDatabase(io, `key ${sub}`, async (database, config) => {
    const org = await findOrg(database.db, orgRef);
    const outcome = await run(keyContext(io, database, config), org.id, ref, flags);
    if (values.json) {
      if (outcome.json !== undefined) print(io.stdout, true, outcome.json, () => '');
      return;
    }
    io.stdout.write(`${outcome.human}\n`);
  });
}

const view = (ctx: KeyServiceContext, row: Parameters<typeof toKeyView>[0]): KeyView =>
  toKeyView(row, ctx.now);

export function keyShow(io: CliIo, rest: string[]): Promise<void> {
  return onOneKey(io, 'show', rest, {}, async (ctx, orgId, ref) => {
    const k = view(ctx, await findKey(ctx.db, orgId, ref));
    return { json: k, human: `Key "${k.name}" (${k.id})\n${keyDetails(k)}` };
  });
}

export function keyRename(io: CliIo, rest: string[]): Promise<void> {
  return onOneKey(io, 'rename', rest, { name: { type: 'string' } }, async (ctx, orgId, ref, flags) => {
    const k = view(ctx, await updateKey(ctx, orgId, ref, { name: flags.name }));
    return { json: k, human: `Key ${k.clientId} is now named "${k.name}"` };
  });
}

export function keyEnabled(io: CliIo, rest: string[], enabled: boolean): Promise<void> {
  return onOneKey(io, enabled ? 'enable' : 'disable', rest, {}, async (ctx, orgId, ref) => {
    const k = view(ctx, await updateKey(ctx, orgId, ref, { enabled }));
    return {
      json: k,
      human: enabled
        ? `Key "${k.name}" (${k.clientId}) is ${k.status}: it gets tokens again`
        : `Key "${k.name}" (${k.clientId}) is disabled: it gets no tokens until \`keymint key enable\``,
    };
  });
}

export function keyRevoke(io: CliIo, rest: string[]): Promise<void> {
  return onOneKey(io, 'revoke', rest, {}, async (ctx, orgId, ref) => {
    const k = view(ctx, await revokeKey(ctx, orgId, ref));
    return { json: k, human: `Revoked key "${k.name}" (${k.clientId}) at ${k.revokedAt}` };
  });
}

export function keyDelete(io: CliIo, rest: string[]): Promise<void> {
  // The API answers 204 with no body, so --json prints nothing either: the exit code says it.
  return onOneKey(io, 'delete', rest, {}, async (ctx, orgId, ref) => {
    await deleteKey(ctx, orgId, ref);
    return { human: `Deleted key ${ref} (the audit log keeps it)` };
  });
}

export async function keyRotate(io: CliIo, rest: string[]): Promise<void> {
  const usage = KEY_USAGE.rotate.usage;
  const { values, positionals } = parseCommand(
    rest,
    { org: { type: 'string' }, 'grace-period': { type: 'string' } },
    usage,
  );
  const ref = onePositional(positionals, usage);
  const orgRef = required(values.org, '--org', usage);
  const grace = wholeNumber(values['grace-period'], '--grace-period') ?? 0;
  await withDatabase(io, 'key rotate', async (database, config) => {
    const org = await findOrg(database.db, orgRef);
    const ctx = keyContext(io, database, config);
    const { key, secret } = await rotateKey(ctx, org.id, ref, grace);
    const k = toKeyView(key, ctx.now);
    const until = key.previousValidUntil?.toISOString();
    print(io.stdout, !!values.json, { ...k, clientSecret: secret }, () =>
      [
        `Rotated key "${k.name}" (${k.clientId})`,
        `client_secret: ${secret}`,
        until
          ? `The previous secret keeps working until ${until} (${grace} s).`
          : 'The previous secret no longer works.',
        'The secret is shown only now: store it in your secret manager.',
      ].join('\n'),
    );
  });
}
