import { describe, expect, it } from 'vitest';
import { matchesSubjectPattern } from '../../src/federation/subject-pattern';
import { validSubjectPattern } from '../../src/federation/subject-pattern-rules';

// GitHub's `sub` claims, as its jobs send them.
const MAIN = 'repo:acme/api:ref:refs/heads/main';
const PROD = 'repo:acme/api:environment:production';
const PR = 'repo:acme/api:pull_request';

describe('matchesSubjectPattern', () => {
  it('a null pattern matches every subject', () => {
    for (const sub of [MAIN, PROD, PR, '', 'anything at all'])
      expect(matchesSubjectPattern(null, sub)).toBe(true);
  });

  it('without a wildcard, only the same subject matches', () => {
    expect(matchesSubjectPattern(MAIN, MAIN)).toBe(true);
    expect(matchesSubjectPattern(MAIN, 'repo:acme/api:ref:refs/heads/mainx')).toBe(false);
    expect(matchesSubjectPattern(MAIN, 'repo:Acme/api:ref:refs/heads/main')).toBe(false);
    expect(matchesSubjectPattern(MAIN, PROD)).toBe(false);
  });

  it('* alone matches one whole part, whatever it holds', () => {
    expect(matchesSubjectPattern('repo:acme/api:ref:*', MAIN)).toBe(true);
    expect(matchesSubjectPattern('repo:acme/api:*:*', PROD)).toBe(true);
    expect(matchesSubjectPattern('repo:*:ref:refs/heads/main', MAIN)).toBe(true);
    expect(matchesSubjectPattern('repo:*:ref:refs/heads/main', 'repo:evil/api:ref:refs/heads/main')).toBe(
      true,
    );
    expect(matchesSubjectPattern('repo:acme/api:ref:*', PROD)).toBe(false);
  });

  it('* never spans a colon: the number of parts must be equal', () => {
    expect(matchesSubjectPattern('repo:acme/api:*', MAIN)).toBe(false);
    expect(matchesSubjectPattern('repo:acme/api:*', PR)).toBe(true);
    expect(matchesSubjectPattern('repo:acme/*', MAIN)).toBe(false);
    expect(matchesSubjectPattern('repo:acme/api:ref:*', 'repo:acme/api:ref:refs/heads/x:y')).toBe(false);
    expect(matchesSubjectPattern('repo:acme/api:ref:refs/heads/*', 'repo:acme/api:ref:refs/heads/a:b')).toBe(
      false,
    );
    // an environment named with a colon cannot stretch a wildcard over it
    expect(matchesSubjectPattern('repo:acme/*:environment:prod', 'repo:acme/x:y:environment:prod')).toBe(
      false,
    );
  });

  it('* inside a part matches any run of characters there, the empty run included', () => {
    expect(matchesSubjectPattern('repo:acme/*:ref:refs/heads/main', MAIN)).toBe(true);
    expect(matchesSubjectPattern('repo:acme/*:ref:refs/heads/main', 'repo:acme/:ref:refs/heads/main')).toBe(
      true,
    );
    expect(
      matchesSubjectPattern('repo:acme/*:ref:refs/heads/main', 'repo:acmeX/api:ref:refs/heads/main'),
    ).toBe(false);
    expect(
      matchesSubjectPattern(
        'repo:acme/api:ref:refs/heads/release-*',
        'repo:acme/api:ref:refs/heads/release-1.2',
      ),
    ).toBe(true);
    expect(matchesSubjectPattern('repo:acme/api:ref:refs/heads/release-*', MAIN)).toBe(false);
    expect(matchesSubjectPattern('repo:*/api:ref:refs/*/main', MAIN)).toBe(true);
    expect(matchesSubjectPattern('repo:*/api:ref:refs/*/main', 'repo:acme/web:ref:refs/heads/main')).toBe(
      false,
    );
  });

  it('several wildcards in one part match in order, and do not overlap the fixed ends', () => {
    const p = 'x:a*b*c';
    expect(matchesSubjectPattern(p, 'x:abc')).toBe(true);
    expect(matchesSubjectPattern(p, 'x:a-b-c')).toBe(true);
    expect(matchesSubjectPattern(p, 'x:abbbc')).toBe(true);
    expect(matchesSubjectPattern(p, 'x:acb')).toBe(false);
    expect(matchesSubjectPattern(p, 'x:ac')).toBe(false);
    expect(matchesSubjectPattern('x:ab*ba', 'x:aba')).toBe(false);
    expect(matchesSubjectPattern('x:ab*ba', 'x:abba')).toBe(true);
    expect(matchesSubjectPattern('x:*a*a*', 'x:a')).toBe(false);
    expect(matchesSubjectPattern('x:*a*a*', 'x:aa')).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(matchesSubjectPattern('repo:acme/a.i:ref:*', MAIN)).toBe(false);
    expect(matchesSubjectPattern('repo:acme/(api|web):ref:*', MAIN)).toBe(false);
    expect(matchesSubjectPattern('repo:acme/a+i:ref:*', 'repo:acme/a+i:ref:x')).toBe(true);
  });

  it('an empty subject part is matched only by *', () => {
    expect(matchesSubjectPattern('repo:*:x', 'repo::x')).toBe(true);
    expect(matchesSubjectPattern('repo:a:x', 'repo::x')).toBe(false);
  });
});

describe('validSubjectPattern', () => {
  it('accepts patterns with at least one part that is not only wildcards', () => {
    for (const p of [MAIN, 'repo:acme/*:ref:*', 'repo:*:environment:prod', 'repo:acme/api:*', 'a*b']) {
      expect(validSubjectPattern(p)).toBe(p);
    }
  });

  it('takes empty or absent as no pattern', () => {
    expect(validSubjectPattern(undefined)).toBeNull();
    expect(validSubjectPattern(null)).toBeNull();
    expect(validSubjectPattern('')).toBeNull();
  });

  it.each([
    ['*', /only wildcards/],
    ['*:*', /only wildcards/],
    ['**:*:***', /only wildcards/],
    ['repo::x', /empty part/],
    [':repo:x', /empty part/],
    ['repo:x:', /empty part/],
    [' repo:x', /whitespace/],
    ['repo:x\n', /control|whitespace/],
    ['repo:\u0000', /U\+0000/],
    ['repo:\ud800', /U\+0000|surrogate/],
    ['repo:\u0007', /control/],
    [`repo:${'a'.repeat(600)}`, /at most 512/],
  ])('refuses %j', (pattern, message) => {
    expect(() => validSubjectPattern(pattern)).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => validSubjectPattern(pattern)).toThrow(message);
  });

  it('refuses what is not a string', () => {
    expect(() => validSubjectPattern(5)).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
