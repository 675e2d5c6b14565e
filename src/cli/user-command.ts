import { operatorActor } from '../audit/actor';
import { createInvite } from '../auth/invites';
import { inlineHasher } from '../auth/password-hasher';
import { createUser } from '../auth/users';
import { findOrg } from '../orgs/find-org';
import { noMoreArguments, parseCommand, readStdin, required } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { print } from './output';
import { USER_USAGE } from './usage';

const USAGE = USER_USAGE.create.usage;
const INVITE_USAGE = USER_USAGE.invite.usage;

export async function userCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'invite') return inviteCommand(rest, io);
  if (sub !== 'create')
    throw usageError(
      `${sub ? `unknown user command "${sub}"` : 'a user command is required'}; usage: ${USAGE} | ${INVITE_USAGE}`,
    );
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
  noMoreArguments(positionals, USAGE);
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

/** `user invite`: the console's invite, for an operator: the link to pass on, shown once. */
async function inviteCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    INVITE_USAGE,
  );
  noMoreArguments(positionals, INVITE_USAGE);
  const orgRef = required(values.org, '--org', INVITE_USAGE);
  const email = required(values.email, '--email', INVITE_USAGE);
  const role = required(values.role, '--role', INVITE_USAGE);
  await withDatabase(io, 'user invite', async ({ db }, config) => {
    const org = await findOrg(db, orgRef);
    const { invite, token } = await createInvite(db, io.clock.now(), operatorActor(), {
      orgId: org.id,
      email,
      role,
    });
    const link = `${config.issuerUrl}/console/invites/${token}`;
    const view = {
      email: invite.email,
      role: invite.role,
      org: { id: org.id, slug: org.slug },
      expiresAt: invite.expiresAt.toISOString(),
      link,
    };
    print(io.stdout, !!values.json, view, () =>
      [
        `Invited ${invite.email} as ${invite.role} of ${org.slug}. Pass this link on (shown once, valid until ${view.expiresAt}):`,
        link,
      ].join('\n'),
    );
  });
}
