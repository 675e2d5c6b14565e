import { parseCommand, readStdin, required } from './args';
import { CliError, usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { print } from './output';

const USAGE =
  'keymint token --issuer <url> --client-id <id> --client-secret-stdin [--scope <s>…] [--audience <a>] [--json]';

/** A client of /token: needs no database. Prints only the access token, for CI steps to capture. */
export async function tokenCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      scope: { type: 'string', multiple: true },
      audience: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE}`);
  const issuer = required(values.issuer, '--issuer', USAGE).replace(/\/+$/, '');
  const clientId = required(values['client-id'], '--client-id', USAGE);
  if (!values['client-secret-stdin'])
    throw usageError(
      `--client-secret-stdin is required (secrets never go on the command line); usage: ${USAGE}`,
    );
  const secret = await readStdin(io, 'client secret');
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (values.scope?.length) body.set('scope', values.scope.join(' '));
  if (values.audience) body.set('audience', values.audience);
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  let res: Response;
  try {
    res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${encode(clientId)}:${encode(secret)}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
    });
  } catch (e) {
    throw new CliError(`cannot reach ${issuer}/token: ${(e as Error).cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`${issuer}/token answered ${res.status} with a non-JSON body`);
  }
  if (!res.ok || typeof json.access_token !== 'string') {
    throw new CliError(
      `token request refused (${res.status} ${json.error ?? ''}): ${json.error_description ?? text.slice(0, 200)}`,
    );
  }
  print(io.stdout, !!values.json, json, () => json.access_token as string);
}
