import { operatorActor } from '../audit/actor';
import { createOrg } from '../orgs/create-org';
import { listOrgs } from '../orgs/list-orgs';
import { toOrgView } from '../orgs/org-view';
import { noMoreArguments, parseCommand, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { print, table } from './output';
import { ORG_USAGE } from './usage';

export async function orgCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create': {
      const usage = ORG_USAGE.create.usage;
      const { values, positionals } = parseCommand(
        rest,
        { name: { type: 'string' }, 'max-active-keys': { type: 'string' } },
        usage,
      );
      const slug = required(positionals[0], '<slug>', usage);
      noMoreArguments(positionals, usage, 1);
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
      return;
    }
    case 'list': {
      const usage = ORG_USAGE.list.usage;
      const { values, positionals } = parseCommand(rest, {}, usage);
      noMoreArguments(positionals, usage);
      await withDatabase(io, 'org list', async ({ db }) => {
        const items = (await listOrgs(db)).map(toOrgView);
        print(io.stdout, !!values.json, { items, nextCursor: null }, () =>
          items.length === 0
            ? 'No organisations yet: keymint org create <slug>'
            : table(
                ['SLUG', 'NAME', 'ID', 'MAX ACTIVE KEYS', 'CREATED'],
                items.map((o) => [o.slug, o.name, o.id, String(o.maxActiveKeys), o.createdAt]),
              ),
        );
      });
      return;
    }
    default:
      throw usageError(
        `${sub ? `unknown org command "${sub}"` : 'an org command is required'}; one of: ${Object.keys(ORG_USAGE).join(', ')} (keymint org --help)`,
      );
  }
}
