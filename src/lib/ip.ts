import ipaddr from 'ipaddr.js';

/** IP addresses and CIDR ranges, on ipaddr.js (pure JS, so it runs in Workers too). */
export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  network: Address;
  prefix: number;
  /** Canonical text: `10.0.0.0/8`, `2001:db8::/32`. */
  text: string;
}

/**
 * Parses an address. Only dotted-quad IPv4 is accepted (no octal or hex forms that
 * mean different things to different parsers); IPv4-mapped IPv6 (::ffff:a.b.c.d, as
 * Node reports IPv4 sockets on dual-stack listeners) becomes IPv4.
 */
export function parseIp(text: string): Address | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes(':')) {
    if (!ipaddr.IPv6.isValid(s)) return null;
    const v6 = ipaddr.IPv6.parse(s);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(s) ? ipaddr.IPv4.parse(s) : null;
}

/** Parses `addr/prefix` (a bare address is a /32 or /128); null when malformed or host bits are set. */
export function parseCidr(text: string): Cidr | null {
  const [addrText, prefixText, extra] = text.trim().split('/');
  if (addrText === undefined || extra !== undefined) return null;
  const network = parseIp(addrText);
  if (!network) return null;
  const bits = network.kind() === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  const canonical = `${network.toString()}/${prefix}`;
  const base =
    network.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(canonical)
      : ipaddr.IPv6.networkAddressFromCIDR(canonical);
  if (base.toString() !== network.toString()) return null;
  return { network, prefix, text: canonical };
}

export function cidrContains(cidr: Cidr, ip: Address): boolean {
  return ip.kind() === cidr.network.kind() && ip.match(cidr.network as never, cidr.prefix);
}

/** True when `ip` falls in any of `cidrs`; IPv4 and IPv6 ranges each match their own family. */
export function ipAllowed(cidrs: readonly Cidr[], ip: string | undefined): boolean {
  if (cidrs.length === 0) return true;
  const parsed = ip ? parseIp(ip) : null;
  if (!parsed) return false;
  return cidrs.some((c) => cidrContains(c, parsed));
}

export const formatIp = (ip: Address): string => ip.toString();

/** Ranges with a shorter prefix than this cover a large share of their family: worth a warning. */
export const WIDE_PREFIX_BELOW = { ipv4: 8, ipv6: 16 } as const;
