import { CliError } from './cli-error';

/**
 * The job's OIDC ID token, asked of the GitHub Actions runtime the documented way: GET
 * ACTIONS_ID_TOKEN_REQUEST_URL with `audience` added, authenticated by
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN; the answer is `{"value": "<jwt>"}`.
 */
export async function githubIdToken(
  env: Record<string, string | undefined>,
  audience: string,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new CliError(
      'ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run this in a GitHub Actions job ' +
        'and add `permissions: id-token: write` to the job (pull requests from forks get no ID token)',
    );
  }
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CliError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL');
  }
  target.searchParams.set('audience', audience);
  let res: Response;
  try {
    res = await fetch(target, { headers: { authorization: `bearer ${bearer}`, accept: 'application/json' } });
  } catch (e) {
    throw new CliError(
      `cannot reach GitHub's ID-token endpoint: ${(e as Error).cause ?? (e as Error).message}`,
    );
  }
  const text = await res.text();
  let value: unknown;
  let message: unknown;
  try {
    ({ value, message } = JSON.parse(text) as { value?: unknown; message?: unknown });
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!res.ok || typeof value !== 'string' || !value) {
    const why = typeof message === 'string' ? message : text.slice(0, 200);
    throw new CliError(`GitHub's ID-token endpoint answered ${res.status} without an ID token: ${why}`);
  }
  return value;
}
