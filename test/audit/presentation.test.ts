import { describe, expect, it } from 'vitest';
import { actionLabel } from '../../src/audit/audit-actions';
import { detailFields, duration } from '../../src/audit/audit-details';
import { shortUserAgent } from '../../src/audit/user-agent';

// How the console's audit log words what the API records as it is.
describe('shortUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:126.0) Gecko/20100101 Firefox/126.0',
      'Firefox 126 on macOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
      'Chrome 125 on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.67',
      'Edge 125 on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari 17.4 on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.113 Mobile Safari/537.36',
      'Chrome 125 on Android',
    ],
    ['curl/8.5.0', 'curl 8.5'],
    ['node', 'Node.js fetch'],
    ['keymint-cli/0.1.0', 'keymint CLI 0.1'],
    ['python-requests/2.31.0', 'Python requests 2.31'],
    ['Go-http-client/1.1', 'Go HTTP client'],
    ['mcp-remote/0.1.9', 'MCP client mcp-remote 0.1'],
    ['SomethingElse/3.2.1 (+https://example.com/bot)', 'SomethingElse 3.2'],
    ['', 'unknown client'],
  ])('%s → %s', (ua, short) => {
    expect(shortUserAgent(ua)).toBe(short);
  });

  it('keeps an unknown agent short', () => {
    expect(shortUserAgent('x'.repeat(300)).length).toBeLessThanOrEqual(40);
  });
});

describe('detailFields', () => {
  it('shows changes as from → to, with lists, durations and "any address" in words', () => {
    expect(
      detailFields('key.scopes_changed', { clientId: 'km_x', from: ['read:a'], to: ['read:a', 'read:b'] }),
    ).toEqual([{ label: 'Scopes', value: 'read:a → read:a, read:b' }]);
    expect(detailFields('key.allowed_cidrs_changed', { from: [], to: ['10.0.0.0/8'] })).toEqual([
      { label: 'Allowed IP ranges', value: 'any address → 10.0.0.0/8' },
    ]);
    expect(detailFields('key.token_ttl_changed', { from: null, to: 900 })).toEqual([
      { label: 'Token lifetime', value: 'server default → 15 min' },
    ]);
    expect(detailFields('key.rotated', { gracePeriodSeconds: 86_400 })).toEqual([
      { label: 'Grace period', value: '1 day' },
    ]);
    expect(detailFields('key.rotated', { gracePeriodSeconds: 0 })[0]?.value).toMatch(/^none/);
  });

  it('labels nested changes and unknown fields, and never shows JSON', () => {
    const fields = detailFields('federation.updated', {
      clientId: 'kmf_x',
      changes: {
        subject: { from: 'repo:a:*', to: 'repo:b:*' },
        claims: { from: { ref: 'main' }, to: { ref: 'dev' } },
      },
      someNewThing: { deep: [1, 2] },
    });
    expect(fields).toEqual([
      { label: 'Subject', value: 'repo:a:* → repo:b:*' },
      { label: 'Claims', value: 'ref=main → ref=dev' },
      { label: 'Some new thing', value: 'deep=1, 2' },
    ]);
    for (const f of fields) expect(f.value).not.toMatch(/[{}"]/);
  });

  it('words durations', () => {
    expect([0, 45, 300, 3600, 5400, 86_400, 7 * 86_400].map(duration)).toEqual([
      'none',
      '45 s',
      '5 min',
      '1 h',
      '1 h 30 min',
      '1 day',
      '7 days',
    ]);
  });
});

describe('actionLabel', () => {
  it('words known actions and makes unknown ones legible', () => {
    expect(actionLabel('key.rotated')).toBe('Key rotated');
    expect(actionLabel('user.joined')).toBe('Joined with an invite');
    expect(actionLabel('key.imported')).toBe('Key imported');
  });
});
