import type { SigningKeyRow } from '../db/schema/index';
import { systemClock } from '../lib/clock';
import { importKek } from '../signing/kek';
import { loadOrCreateKek } from '../signing/kek-file';
import { advanceSigningKeys, listSigningKeys } from '../signing/lifecycle';
import { signingPolicy } from '../signing/signing-policy';
import { parseCommand } from './args';
import { usageError } from './cli-error';
import { withDatabase } from './context';
import { print, table } from './output';

const USAGE = 'keymint signing-keys list|rotate [--json]';

const view = (k: SigningKeyRow) => ({
  kid: k.kid,
  alg: k.alg,
  state: k.state,
  createdAt: k.createdAt.toISOString(),
  activatedAt: k.activatedAt?.toISOString() ?? null,
  deactivatedAt: k.deactivatedAt?.toISOString() ?? null,
  retiredAt: k.retiredAt?.toISOString() ?? null,
});

const render = (keys: ReturnType<typeof view>[]) =>
  table(
    ['KID', 'ALG', 'STATE', 'CREATED', 'SIGNING SINCE', 'STOPPED'],
    keys.map((k) => [k.kid, k.alg, k.state, k.createdAt, k.activatedAt ?? '-', k.deactivatedAt ?? '-']),
  );

export async function signingKeysCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseCommand(rest, {}, USAGE);
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE}`);
  if (sub !== 'list' && sub !== 'rotate')
    throw usageError(`unknown signing-keys command "${sub ?? ''}"; usage: ${USAGE}`);
  await withDatabase(`signing-keys ${sub}`, async ({ db }, config) => {
    const kek = await importKek(loadOrCreateKek(config.kek).kek);
    // Both commands first bring the schedule up to date (this creates keys on a new database).
    const result = await advanceSigningKeys(db, kek, signingPolicy(config), systemClock.now(), {
      force: sub === 'rotate',
    });
    const keys = (await listSigningKeys(db)).map(view);
    if (sub === 'list') {
      print(!!values.json, { items: keys }, () => render(keys));
      return;
    }
    print(!!values.json, { rotated: result.rotated, items: keys }, () =>
      [
        `Key ${result.rotated?.to} now signs; ${result.rotated?.from} stays published until its tokens expire.`,
        'Running servers switch within a second.',
        render(keys),
      ].join('\n'),
    );
  });
}
