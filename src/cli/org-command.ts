import { operatorActor } from '../audit/actor';
import { createOrg } from '../orgs/create-org';
import { toOrgView } from '../orgs/org-view';
import { parseCommand, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { print } from './output';

const USAGE = 'keymint org create <slug> [--name <name>] [--max-active-keys <n>] [--json]';

export async function orgCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw usageError(`unknown org command "${sub ?? ''}"; usage: ${USAGE}`);
  const { values, positionals } = parseCommand(
    rest,
    { name: { type: 'string' }, 'max-active-keys': { type: 'string' } },
    USAGE,
  );
  const slug = required(positionals[0], '<slug>', USAGE);
  if (positionals.length > 1) throw usageError(`unexpected argument "${positionals[1]}"; usage: ${USAGE}`);
  await withDatabase(io, 'org create', async ({ db }) => {
    const org = await createOrg(db, io.clock.now(), operatorActor(), {
      slug,
      name: values.name,
      maxActiveKeys: wholeNumber(values['max-active-keys'], '--max-active-keys'),
    });
    print(
      io.stdout,
      !!values.json,
      toOrgView(org),
      () => `Created organisation ${org.slug} (${org.id}), at most ${org.maxActiveKeys} active keys`,
    );
  });
}
