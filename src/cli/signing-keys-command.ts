import type { SigningKeyRow } from '../db/schema/index';
import { importKek } from '../signing/kek';
import { loadOrCreateKek } from '../signing/kek-file';
import { advanceSigningKeys, JWKS_MAX_AGE_SECONDS, listSigningKeys } from '../signing/lifecycle';
import { rotateSigningKeys } from '../signing/manual-rotation';
import { retireSigningKey } from '../signing/retire-key';
import { signingPolicy } from '../signing/signing-policy';
import { noMoreArguments, parseCommand } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { kekPath, withDatabase } from './context';
import { print, table } from './output';
import { SIGNING_KEYS_USAGE } from './usage';

const USAGE = Object.values(SIGNING_KEYS_USAGE)
  .map((u) => u.usage)
  .join(' · ');

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

/** What an early switch means for verifiers; printed with --now and when retiring the current key. */
const earlyWarning = (kid: string, publishedSeconds: number) =>
  `${kid} had been published for ${publishedSeconds} s only: verifiers holding a cached JWKS ` +
  `(up to ${JWKS_MAX_AGE_SECONDS} s) may refuse new tokens until they refetch it.`;

export async function signingKeysCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'rotate' && sub !== 'retire')
    throw usageError(
      `${sub ? `unknown signing-keys command "${sub}"` : 'a signing-keys command is required'}; usage: ${USAGE}`,
    );
  const usage = SIGNING_KEYS_USAGE[sub].usage;
  const { values, positionals } = parseCommand(rest, { now: { type: 'boolean' } }, usage);
  if (values.now && sub !== 'rotate') throw usageError(`--now goes with rotate only; usage: ${usage}`);
  const wanted = sub === 'retire' ? 1 : 0;
  noMoreArguments(positionals, usage, wanted);
  const kid = positionals[0];
  if (sub === 'retire' && !kid) throw usageError(`<kid> is required; usage: ${usage}`);
  const json = !!values.json;

  await withDatabase(io, `signing-keys ${sub}`, async ({ db }, config) => {
    const kek = await importKek(loadOrCreateKek(config.kek, kekPath(io)).kek);
    const policy = signingPolicy(config);
    const now = io.clock.now();
    const items = async () => (await listSigningKeys(db)).map(view);

    if (sub === 'list') {
      // Brings the schedule up to date first (this creates keys on a new database).
      await advanceSigningKeys(db, kek, policy, now);
      const keys = await items();
      print(io.stdout, json, { items: keys }, () => render(keys));
      return;
    }

    if (sub === 'rotate') {
      const r = await rotateSigningKeys(db, kek, policy, now, { immediately: !!values.now });
      const warning = r.early ? earlyWarning(r.to, r.publishedSeconds) : null;
      const keys = await items();
      print(
        io.stdout,
        json,
        { rotated: { from: r.from, to: r.to }, forced: !!values.now, warning, next: r.next.kid, items: keys },
        () =>
          [
            `Key ${r.to} now signs${values.now ? ' at once' : ''}; ${r.from} stays published until its tokens expire.`,
            ...(warning ? [`Warning: ${warning}`] : []),
            `New next key ${r.next.kid} may sign from ${r.next.signableAt.toISOString()}.`,
            'Running servers switch within a second.',
            render(keys),
          ].join('\n'),
      );
      return;
    }

    const r = await retireSigningKey(db, kek, policy, now, kid as string);
    const warning = r.rotated?.early ? earlyWarning(r.rotated.to, r.rotated.publishedSeconds) : null;
    const keys = await items();
    print(
      io.stdout,
      json,
      {
        retired: { kid: r.kid, was: r.was },
        rotated: r.rotated ? { from: r.rotated.from, to: r.rotated.to } : null,
        warning,
        next: r.published?.kid ?? null,
        items: keys,
      },
      () =>
        [
          `Key ${r.kid} (${r.was}) is retired: it left the JWKS and its private key is gone; ` +
            'running servers refuse the tokens it signed within a second.',
          ...(r.rotated ? [`It was the current key: ${r.rotated.to} now signs at once.`] : []),
          ...(warning ? [`Warning: ${warning}`] : []),
          ...(r.published
            ? [`New next key ${r.published.kid} may sign from ${r.published.signableAt.toISOString()}.`]
            : []),
          render(keys),
        ].join('\n'),
    );
  });
}
