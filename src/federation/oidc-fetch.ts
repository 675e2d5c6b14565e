/** Why an issuer's discovery document or keys could not be read; the message is shown to the caller. */
export class OidcFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcFetchError';
  }
}

export interface FetchedJson {
  body: unknown;
  /** The response's Cache-Control max-age, in seconds, when it has one. */
  maxAge: number | undefined;
}

/** Discovery documents and key sets are small; a larger answer is refused before it fills memory. */
const MAX_BODY_BYTES = 256 * 1024;

/** Reads at most `max` bytes of the body, refusing a larger one without buffering it. */
async function readLimited(res: Response, max: number, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) throw new OidcFetchError(`${url} answered more than ${max} bytes`);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new OidcFetchError(`${url} answered more than ${max} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function maxAgeOf(cacheControl: string | null): number | undefined {
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * GETs a JSON document of an issuer with a deadline (`signal`). Redirects are not
 * followed: the keys must come from the URL the issuer names, so a redirect (to plain
 * http, say) cannot swap them. Web APIs only: this runs on Workers too.
 */
export async function fetchIssuerJson(url: string, signal: AbortSignal): Promise<FetchedJson> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
  } catch (e) {
    const timedOut = signal.aborted || (e instanceof Error && e.name === 'TimeoutError');
    throw new OidcFetchError(timedOut ? `${url} did not answer in time` : `${url} could not be reached`);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new OidcFetchError(`${url} answered HTTP ${res.status}`);
  }
  let text: string;
  try {
    text = await readLimited(res, MAX_BODY_BYTES, url);
  } catch (e) {
    if (e instanceof OidcFetchError) throw e;
    throw new OidcFetchError(
      signal.aborted ? `${url} did not answer in time` : `${url} broke off its answer`,
    );
  }
  try {
    return { body: JSON.parse(text), maxAge: maxAgeOf(res.headers.get('cache-control')) };
  } catch {
    throw new OidcFetchError(`${url} did not answer JSON`);
  }
}
