import { CLIENT_ID_RE, isWellFormedSecret, SECRET_LENGTH, SECRET_PREFIX } from '../api-keys/secrets';
import { BASE62_RE } from '../lib/base62';
import { noMoreArguments, parseCommand, readStdin, required } from './args';
import { CliError, usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { githubIdToken } from './github-id-token';
import { print } from './output';
import { postToToken, type TokenAnswer } from './token-endpoint';
import { TOKEN_USAGE } from './usage';

const USAGE = TOKEN_USAGE.usage;

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/**
 * A client of /token: needs no database. Prints only the access token, for CI steps to
 * capture. A key's secret comes on stdin; with --github-oidc a federation's job presents
 * its GitHub Actions ID token instead (RFC 8693), and no secret exists at all.
 */
export async function tokenCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      'github-oidc': { type: 'boolean' },
      'id-token-audience': { type: 'string' },
      scope: { type: 'string', multiple: true },
      audience: { type: 'string' },
    },
    USAGE,
  );
  noMoreArguments(positionals, USAGE);
  const issuer = required(values.issuer, '--issuer', USAGE).replace(/\/+$/, '');
  const clientId = required(values['client-id'], '--client-id', USAGE);
  const oidc = !!values['github-oidc'];
  if (oidc && values['client-secret-stdin'])
    throw usageError('use --client-secret-stdin (a key) or --github-oidc (a federation), not both');
  if (!oidc && !values['client-secret-stdin'])
    throw usageError(
      `--client-secret-stdin (a key; secrets never go on the command line) or --github-oidc (a federation, in a GitHub Actions job) is required; usage: ${USAGE}`,
    );
  if (!oidc && values['id-token-audience'] !== undefined)
    throw usageError('--id-token-audience goes with --github-oidc');

  const extra = new URLSearchParams();
  if (values.scope?.length) extra.set('scope', values.scope.join(' '));
  if (values.audience) extra.set('audience', values.audience);
  const answer = oidc
    ? await exchangeIdToken(io, issuer, clientId, values['id-token-audience'] || issuer, extra)
    : await clientCredentials(io, issuer, clientId, extra);
  print(io.stdout, !!values.json, answer, () => answer.access_token);
}

async function clientCredentials(
  io: CliIo,
  issuer: string,
  clientId: string,
  extra: URLSearchParams,
): Promise<TokenAnswer> {
  const secret = await readStdin(io, 'client secret');
  // A typo in a keymint key's secret is caught here, by the checksum, and told apart from
  // a wrong secret. A key imported from another issuer keeps that issuer's id and secret,
  // which carries no checksum: it goes to /token as it is.
  if (CLIENT_ID_RE.test(clientId) && !isWellFormedSecret(secret))
    throw new CliError(`${mistyped(secret)}; nothing was sent`, 1, 'malformed-secret');
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const [k, v] of extra) form.set(k, v);
  return postToToken(issuer, form, {
    authorization: `Basic ${btoa(`${encode(clientId)}:${encode(secret)}`)}`,
  });
}

async function exchangeIdToken(
  io: CliIo,
  issuer: string,
  clientId: string,
  idTokenAudience: string,
  extra: URLSearchParams,
): Promise<TokenAnswer> {
  if (clientId.startsWith('km_'))
    throw usageError(
      `${clientId} is a key's client id: --github-oidc needs a federation's (kmf_…); a key uses --client-secret-stdin`,
    );
  const idToken = await githubIdToken(io.env, idTokenAudience);
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    client_id: clientId,
    subject_token: idToken,
    subject_token_type: ID_TOKEN_TYPE,
  });
  for (const [k, v] of extra) form.set(k, v);
  return postToToken(issuer, form);
}

/** What is wrong with a secret that fails the format check, without echoing it. */
function mistyped(secret: string): string {
  const shape = `a keymint secret is ${SECRET_PREFIX} and ${SECRET_LENGTH - SECRET_PREFIX.length} letters and digits`;
  if (!secret.startsWith(SECRET_PREFIX))
    return `the client secret on stdin is not a keymint secret (${shape}): pipe the key's secret, not another value`;
  if (secret.length !== SECRET_LENGTH)
    return `the client secret on stdin is ${secret.length} characters long, not ${SECRET_LENGTH} (${shape}): it was cut or has extra characters`;
  if (!BASE62_RE.test(secret.slice(SECRET_PREFIX.length)))
    return `the client secret on stdin has a character that is not a letter or digit (${shape}): copy it again`;
  return `the client secret on stdin is mistyped: its checksum (the last 6 characters) does not match, so a character was changed; copy it again`;
}
