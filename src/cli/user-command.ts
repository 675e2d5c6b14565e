import { operatorActor } from '../audit/actor';
import { inlineHasher } from '../auth/password-hasher';
import { createUser } from '../auth/users';
import { findOrg } from '../orgs/find-org';
import { parseCommand, readStdin, required } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { print } from './output';

const USAGE =
  'keymint user create --org <slug> --email <email> --role admin|viewer --password-stdin [--json]';

export async function userCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw usageError(`unknown user command "${sub ?? ''}"; usage: ${USAGE}`);
  const { values, positionals } = parseCommand(
    rest,
    {
      org: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE}`);
  const orgRef = required(values.org, '--org', USAGE);
  const email = required(values.email, '--email', USAGE);
  const role = required(values.role, '--role', USAGE);
  if (!values['password-stdin']) {
    throw usageError(
      `--password-stdin is required (passwords never go on the command line); usage: ${USAGE}`,
    );
  }
  const password = await readStdin(io, 'password');
  await withDatabase(io, 'user create', async ({ db }, config) => {
    const org = await findOrg(db, orgRef);
    const { user, created } = await createUser(
      db,
      inlineHasher(config.bcryptCost),
      io.clock.now(),
      operatorActor(),
      {
        email,
        password,
        orgId: org.id,
        role,
      },
    );
    const view = {
      id: user.id,
      email: user.email,
      org: { id: org.id, slug: org.slug },
      role,
      createdAt: user.createdAt.toISOString(),
    };
    print(io.stdout, !!values.json, view, () =>
      created
        ? `Created user ${user.email} (${user.id}), ${role} of ${org.slug}`
        : `${user.email} is now ${role} of ${org.slug}`,
    );
  });
}
