/** The headers every keymint answer carries; app.ts adds them to answers made without them. */
export const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' } as const;

const complete = new WeakSet<Response>();

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
  if (headers['X-Content-Type-Options'] === NOSNIFF['X-Content-Type-Options']) complete.add(res);
  return res;
}

/** Whether `res` came from completeResponse with every header keymint adds. */
export function isComplete(res: Response): boolean {
  return complete.has(res);
}
