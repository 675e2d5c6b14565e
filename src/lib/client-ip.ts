import { type Cidr, cidrContains, formatIp, parseIp } from './ip';

/**
 * The client's address: the socket's, unless the socket is a trusted proxy, in which
 * case X-Forwarded-For is read from the right, skipping trusted proxies, and the first
 * untrusted hop is the client (the left part is the client's own claim, never trusted).
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: readonly Cidr[],
): string | undefined {
  const socket = socketAddress ? parseIp(socketAddress) : null;
  if (!socket) return undefined;
  const isTrusted = (ip: NonNullable<ReturnType<typeof parseIp>>) => trusted.some((c) => cidrContains(c, ip));
  if (!forwardedFor || trusted.length === 0 || !isTrusted(socket)) return formatIp(socket);
  const hops = forwardedFor.split(',').map((s) => s.trim());
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i] as string);
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return formatIp(client);
}
