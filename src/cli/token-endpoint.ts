import { CliError } from './cli-error';

/** What /token answers with: RFC 6749 §5.1, plus RFC 8693's issued_token_type for an exchange. */
export interface TokenAnswer {
  access_token: string;
  [field: string]: unknown;
}

/**
 * POSTs one form to `<issuer>/token` and returns the answer, or throws a one-line
 * CliError carrying keymint's own error and description (never the request, which
 * holds a secret or an ID token).
 */
export async function postToToken(
  issuer: string,
  form: URLSearchParams,
  headers: Record<string, string> = {},
): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form,
    });
  } catch (e) {
    throw new CliError(
      `cannot reach ${issuer}/token: ${(e as Error).cause ?? (e as Error).message}`,
      1,
      'issuer-unreachable',
    );
  }
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`${issuer}/token answered ${res.status} with a non-JSON body`, 1, 'token-refused');
  }
  if (!res.ok || typeof json.access_token !== 'string') {
    throw new CliError(
      `token request refused (${res.status} ${json.error ?? ''}): ${json.error_description ?? text.slice(0, 200)}`,
      1,
      'token-refused',
    );
  }
  return json as TokenAnswer;
}
