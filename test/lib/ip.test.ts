import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, parseCidr, parseIp } from '../../src/lib/ip';

describe('IP parsing and CIDR matching', () => {
  it('parses and prints IPv4 and IPv6, folding IPv4-mapped addresses to IPv4', () => {
    expect(formatIp(parseIp('192.0.2.1') as never)).toBe('192.0.2.1');
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001') as never)).toBe('2001:db8::1');
    expect(parseIp('::ffff:192.0.2.1')?.kind()).toBe('ipv4');
    expect(parseIp('::ffff:192.0.2.1')?.toString()).toBe('192.0.2.1');
    expect(formatIp(parseIp('::') as never)).toBe('::');
    for (const bad of [
      '256.0.0.1',
      '1.2.3',
      '0x7f.0.0.1',
      '1::2::3',
      'g::1',
      '',
      '1.2.3.4.5',
      '12345::',
      '3232235777',
    ]) {
      expect(parseIp(bad)).toBeNull();
    }
  });

  it('matches addresses against CIDRs of their own family only', () => {
    const v4 = parseCidr('203.0.113.0/24');
    const v6 = parseCidr('2001:db8::/32');
    expect(v4 && cidrContains(v4, parseIp('203.0.113.255') as never)).toBe(true);
    expect(v4 && cidrContains(v4, parseIp('203.0.114.0') as never)).toBe(false);
    expect(v6 && cidrContains(v6, parseIp('2001:db8:ffff::1') as never)).toBe(true);
    expect(v6 && cidrContains(v6, parseIp('203.0.113.1') as never)).toBe(false);
    const any = parseCidr('0.0.0.0/0');
    expect(any && cidrContains(any, parseIp('8.8.8.8') as never)).toBe(true);
  });

  it('refuses CIDRs with host bits set or prefixes out of range', () => {
    expect(parseCidr('10.0.0.1/8')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('10.0.0.0/08')).toBeNull();
    expect(parseCidr('2001:db8::/129')).toBeNull();
    expect(parseCidr('10.0.0.0/8/8')).toBeNull();
    expect(parseCidr('10.0.0.7')?.text).toBe('10.0.0.7/32');
  });
});
