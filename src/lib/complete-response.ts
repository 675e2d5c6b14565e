/** The headers every keymint answer carries; app.ts adds them to answers made without them. */
export const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' } as const;

// A mark on the response itself rather than a WeakSet: weak entries for short-lived
// objects add work to every young-generation collection.
const COMPLETE = Symbol('keymint.complete');
type Marked = Response & { [COMPLETE]?: true };

/**
 * A response whose headers are a plain record already holding NOSNIFF. The Node adaptor
 * writes such a record straight into the socket; app.ts sees the mark and leaves the
 * headers alone, where adding one would first turn them into a Web Headers object.
 */
export function completeResponse(
  body: string | Uint8Array<ArrayBuffer> | null,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  const res = new Response(body, { status, headers });
  if (headers['X-Content-Type-Options'] === NOSNIFF['X-Content-Type-Options'])
    (res as Marked)[COMPLETE] = true;
  return res;
}

/** Whether `res` came from completeResponse with every header keymint adds. */
export function isComplete(res: Response): boolean {
  return (res as Marked)[COMPLETE] === true;
}
