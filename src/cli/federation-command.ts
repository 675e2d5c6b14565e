import type { Config } from '../config';
import type { Database } from '../db/database';
import { createFederation } from '../federation/create-federation';
import { deleteFederation } from '../federation/delete-federation';
import { type FederationServiceContext, federationContext } from '../federation/federation-service-context';
import { type FederationView, toFederationView } from '../federation/federation-view';
import { findFederation } from '../federation/find-federation';
import { listFederations } from '../federation/list-federations';
import { revokeFederation } from '../federation/revoke-federation';
import { updateFederation } from '../federation/update-federation';
import { findOrg } from '../orgs/find-org';
import { noMoreArguments, parseCommand, required, wholeNumber } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { withDatabase } from './context';
import { keyContext } from './key-cli';
import { print, table } from './output';
import { FEDERATION_USAGE } from './usage';

const USAGE = Object.fromEntries(Object.entries(FEDERATION_USAGE).map(([k, u]) => [k, u.usage])) as Record<
  keyof typeof FEDERATION_USAGE,
  string
>;
type Sub = keyof typeof USAGE;

const context = (io: CliIo, database: Database, config: Config): FederationServiceContext =>
  federationContext(keyContext(io, database, config), config);

/** `--claim name=value`, each name once; the value is everything after the first `=`. */
function claimsOf(raw: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of raw ?? []) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw usageError(`--claim takes name=value, e.g. --claim repository_id=123456; got "${pair}"`);
    const name = pair.slice(0, at);
    if (Object.hasOwn(out, name)) throw usageError(`--claim ${name} is given twice`);
    out[name] = pair.slice(at + 1);
  }
  return out;
}

const claimsText = (claims: Record<string, string>) =>
  Object.entries(claims)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-';

function details(f: FederationView): string {
  return [
    `client_id:  ${f.clientId}`,
    `status:     ${f.status}`,
    `issuer:     ${f.issuer}`,
    `audience:   ${f.audience}`,
    `subject:    ${f.subject ?? 'any (the pinned claims decide)'}`,
    `claims:     ${claimsText(f.claims)}`,
    `scopes:     ${f.scopes.join(' ')}`,
    `token ttl:  ${f.tokenTtlSeconds ? `${f.tokenTtlSeconds} s` : 'the server default'}`,
    `created:    ${f.createdAt} by ${f.createdBy}`,
    `last used:  ${f.lastUsedAt ?? 'never'}`,
  ].join('\n');
}

/** A one-federation subcommand: `<federation> --org <slug>`, then what `run` does with it. */
async function onOne(
  io: CliIo,
  sub: Sub,
  rest: string[],
  run: (ctx: FederationServiceContext, orgId: string, ref: string) => Promise<FederationView | undefined>,
  human: (f: FederationView | undefined, ref: string) => string,
): Promise<void> {
  const usage = USAGE[sub];
  const { values, positionals } = parseCommand(rest, { org: { type: 'string' } }, usage);
  const ref = required(positionals[0], '<federation>', usage);
  noMoreArguments(positionals, usage, 1);
  const orgRef = required(values.org, '--org', usage);
  await withDatabase(io, `federation ${sub}`, async (database, config) => {
    const org = await findOrg(database.db, orgRef);
    const view = await run(context(io, database, config), org.id, ref);
    // delete answers nothing in the API (204), so --json prints nothing either
    if (values.json && view === undefined) return;
    print(io.stdout, !!values.json, view, () => human(view, ref));
  });
}

export async function federationCommand(argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parseCommand(
        rest,
        {
          org: { type: 'string' },
          name: { type: 'string' },
          issuer: { type: 'string' },
          audience: { type: 'string' },
          subject: { type: 'string' },
          claim: { type: 'string', multiple: true },
          scope: { type: 'string', multiple: true },
          ttl: { type: 'string' },
        },
        USAGE.create,
      );
      noMoreArguments(positionals, USAGE.create);
      const orgRef = required(values.org, '--org', USAGE.create);
      const name = required(values.name, '--name', USAGE.create);
      const issuer = required(values.issuer, '--issuer', USAGE.create);
      if (!values.scope?.length) throw usageError(`at least one --scope is required; usage: ${USAGE.create}`);
      const claims = claimsOf(values.claim);
      await withDatabase(io, 'federation create', async (database, config) => {
        const org = await findOrg(database.db, orgRef);
        const row = await createFederation(context(io, database, config), org.id, {
          name,
          issuer,
          audience: values.audience,
          subject: values.subject,
          claims,
          scopes: values.scope ?? [],
          tokenTtlSeconds: wholeNumber(values.ttl, '--ttl'),
        });
        const view = toFederationView(row);
        print(io.stdout, !!values.json, view, () =>
          [
            `Created federation "${view.name}" (${view.id}) in ${org.slug}`,
            details(view),
            `No secret: a job exchanges its OIDC ID token for a token at ${config.issuerUrl}/token with this client_id.`,
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
      noMoreArguments(positionals, USAGE.list);
      const orgRef = required(values.org, '--org', USAGE.list);
      await withDatabase(io, 'federation list', async (database) => {
        const org = await findOrg(database.db, orgRef);
        const items: FederationView[] = [];
        let cursor: string | undefined;
        do {
          const page = await listFederations(database.db, org.id, {
            status: values.status,
            limit: 100,
            cursor,
          });
          items.push(...page.items.map(toFederationView));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        print(io.stdout, !!values.json, { items, nextCursor: null }, () =>
          items.length === 0
            ? `No federations in ${org.slug}`
            : table(
                ['ID', 'NAME', 'CLIENT ID', 'ISSUER', 'CLAIMS', 'SUBJECT', 'SCOPES', 'STATUS', 'LAST USED'],
                items.map((f) => [
                  f.id,
                  f.name,
                  f.clientId,
                  f.issuer,
                  claimsText(f.claims),
                  f.subject ?? '*',
                  f.scopes.join(' '),
                  f.status,
                  f.lastUsedAt ?? 'never',
                ]),
              ),
        );
      });
      return;
    }
    case 'show':
      return onOne(
        io,
        sub,
        rest,
        async (ctx, orgId, ref) => toFederationView(await findFederation(ctx.db, orgId, ref)),
        (f) => (f ? `Federation "${f.name}" (${f.id})\n${details(f)}` : ''),
      );
    case 'disable':
    case 'enable':
      return onOne(
        io,
        sub,
        rest,
        async (ctx, orgId, ref) =>
          toFederationView(await updateFederation(ctx, orgId, ref, { enabled: sub === 'enable' })),
        (f) => (f ? `Federation "${f.name}" (${f.clientId}) is ${f.status}` : ''),
      );
    case 'revoke':
      return onOne(
        io,
        sub,
        rest,
        async (ctx, orgId, ref) => toFederationView(await revokeFederation(ctx, orgId, ref)),
        (f) => (f ? `Revoked federation "${f.name}" (${f.clientId}): it exchanges no more ID tokens` : ''),
      );
    case 'delete':
      return onOne(
        io,
        sub,
        rest,
        async (ctx, orgId, ref) => {
          await deleteFederation(ctx, orgId, ref);
          return undefined;
        },
        (_f, ref) => `Deleted federation ${ref} (the audit log keeps it)`,
      );
    default:
      throw usageError(
        `${sub ? `unknown federation command "${sub}"` : 'a federation command is required'}; one of: ${Object.keys(USAGE).join(', ')} (keymint federation --help)`,
      );
  }
}
