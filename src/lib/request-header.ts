import type { Context } from 'hono';

/** The part of Node's IncomingMessage this reads (the node server's bindings carry it). */
interface NodeIncoming {
  rawHeaders: string[];
}

/**
 * A request header by its lower-case name, as `c.req.header(name)` answers it (several
 * fields of one name joined with ", "). On Node the bindings carry the parsed message,
 * and its raw header list is read directly: `c.req.header()` would first build a Web
 * Headers object of every field, validating each, on every request that asks.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming?.rawHeaders;
  if (!raw) return c.req.header(name);
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const field = raw[i] as string;
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    const v = raw[i + 1] as string;
    value = value === undefined ? v : `${value}, ${v}`;
  }
  return value;
}
