import { importKey } from '../api-keys/import-key';
import { toKeyView } from '../api-keys/key-view';
import { inlineHasher } from '../auth/password-hasher';
import { findOrg } from '../orgs/find-org';
import { noMoreArguments, parseCommand, readStdin, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { dateOrNever, keyContext } from './key-cli';
import { print } from './output';
import { KEY_USAGE } from './usage';

const USAGE = KEY_USAGE.import.usage;

/**
 * `key import`: a client of another issuer becomes a key with its own client id; its
 * secret, or that issuer's bcrypt hash of it, comes on stdin (never the command line).
 */
export async function keyImport(io: CliIo, rest: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    rest,
    {
      org: { type: 'string' },
      name: { type: 'string' },
      'client-id': { type: 'string' },
      scope: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      'expires-at': { type: 'string' },
      ttl: { type: 'string' },
      'allow-ip': { type: 'string', multiple: true },
      'client-secret-stdin': { type: 'boolean' },
      'bcrypt-hash-stdin': { type: 'boolean' },
    },
    USAGE,
  );
  noMoreArguments(positionals, USAGE);
  const orgRef = required(values.org, '--org', USAGE);
  const name = required(values.name, '--name', USAGE);
  const clientId = required(values['client-id'], '--client-id', USAGE);
  if (!values.scope?.length) throw usageError(`at least one --scope is required; usage: ${USAGE}`);
  const fromHash = !!values['bcrypt-hash-stdin'];
  if (fromHash === !!values['client-secret-stdin'])
    throw usageError(
      `--client-secret-stdin (the secret) or --bcrypt-hash-stdin (the other issuer's bcrypt hash of it) is required, one of them; usage: ${USAGE}`,
    );
  const ttl = wholeNumber(values.ttl, '--ttl');
  const text = await readStdin(io, fromHash ? 'bcrypt hash' : 'client secret');
  await withDatabase(io, 'key import', async (database, config) => {
    const org = await findOrg(database.db, orgRef);
    const ctx = keyContext(io, database, config);
    const key = await importKey(
      ctx,
      { hasher: inlineHasher(config.bcryptCost), cost: config.bcryptCost },
      org.id,
      {
        name,
        clientId,
        scopes: values.scope ?? [],
        expiresIn: values['expires-in'],
        expiresAt: values['expires-at'],
        tokenTtlSeconds: ttl,
        allowedCidrs: values['allow-ip'],
        ...(fromHash ? { clientSecretBcrypt: text } : { clientSecret: text }),
      },
    );
    const k = toKeyView(key, ctx.now);
    print(io.stdout, !!values.json, k, () =>
      [
        `Imported key "${k.name}" (${k.id}) into ${org.slug}`,
        `client_id: ${k.clientId}`,
        `secret:    stored as bcrypt (cost ${config.bcryptCost}); the client keeps using the one it has`,
        `scopes:    ${k.scopes.join(' ')}`,
        `expires:   ${dateOrNever(k.expiresAt)}`,
        'Checking its secret costs a bcrypt comparison. Once the client works against keymint,',
        `give it a keymint secret: keymint key rotate ${k.clientId} --org ${org.slug} --grace-period 86400`,
      ].join('\n'),
    );
  });
}
