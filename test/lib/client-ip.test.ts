import { describe, expect, it } from 'vitest';
import { resolveClientIp } from '../../src/lib/client-ip';
import { parseCidr } from '../../src/lib/ip';

const trust = (...c: string[]) => c.map((x) => parseCidr(x)).filter((x) => x !== null);

describe('resolveClientIp', () => {
  it('uses the socket address unless the socket is a trusted proxy', () => {
    expect(resolveClientIp('198.51.100.1', '203.0.113.9', [])).toBe('198.51.100.1');
    expect(resolveClientIp('198.51.100.1', '203.0.113.9', trust('10.0.0.0/8'))).toBe('198.51.100.1');
    expect(resolveClientIp('::ffff:10.0.0.2', '203.0.113.9', trust('10.0.0.0/8'))).toBe('203.0.113.9');
  });

  it('reads X-Forwarded-For from the right, skipping trusted hops, ignoring what the client claims', () => {
    const proxies = trust('10.0.0.0/8');
    expect(resolveClientIp('10.0.0.2', '1.2.3.4, 203.0.113.9, 10.0.0.7', proxies)).toBe('203.0.113.9');
    expect(resolveClientIp('10.0.0.2', '10.0.0.9, 10.0.0.7', proxies)).toBe('10.0.0.9');
    expect(resolveClientIp('10.0.0.2', 'garbage, 203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(resolveClientIp('10.0.0.2', '2001:db8::1', proxies)).toBe('2001:db8::1');
  });

  it('gives nothing for an unparseable socket address', () => {
    expect(resolveClientIp(undefined, '203.0.113.9', trust('0.0.0.0/0'))).toBeUndefined();
  });
});
