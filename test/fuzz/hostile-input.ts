import fc from 'fast-check';
import { isFreeOfMarkers } from './internal-text';

/**
 * Characters that break naive input handling: U+0000 (PostgreSQL text cannot hold it),
 * unpaired surrogates (no UTF-8 form), %-sequences valid and broken, form and path
 * delimiters, quotes, control and non-BMP characters.
 */
const SPECIALS = [
  '\u0000',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uFEFF',
  '\uFFFF',
  '%',
  '%00',
  '%2F',
  '%2f',
  '%ZZ',
  '%E0%A4%A',
  '%F0%9F',
  '%C0%AF',
  '+',
  '&',
  '=',
  ';',
  ' ',
  '"',
  "'",
  '\\',
  '/',
  '..',
  '*',
  ':',
  '#',
  '?',
  '\r\n',
  '\t',
  '\u007f',
  '😀',
  'é',
  'ß',
  '\u202e',
];

const char = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
);

/** Lengths around the limits: names (100), ids, tokens (16 KiB), bodies (64 KiB). */
const longString = fc
  .tuple(char, fc.constantFrom(101, 257, 1025, 16_385, 70_000))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));

/** A string an attacker or a broken client might send; never one that already looks internal. */
export const hostileString = fc
  .oneof(
    { weight: 12, arbitrary: fc.string({ unit: char, maxLength: 40 }) },
    { weight: 1, arbitrary: longString },
  )
  .filter(isFreeOfMarkers);

/** Short hostile strings, for places where size is not the point (keys, segments). */
export const shortHostileString = fc.string({ unit: char, maxLength: 24 }).filter(isFreeOfMarkers);

/**
 * What an HTTP header can carry (no NUL, CR or LF; Latin-1 at most): printable ASCII
 * and the non-ASCII octets a broken client sends.
 */
export const headerValue = fc
  .string({
    unit: fc
      .oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
        { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
      )
      .map((code) => String.fromCharCode(code)),
    maxLength: 60,
  })
  .filter(isFreeOfMarkers);

/**
 * JSON values with the numbers and strings that trip validators: huge and tiny
 * numbers, -0, integers past 2^53, deep and wide structures, strings from above.
 */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      1,
      -1,
      1e308,
      -1e308,
      5e-324,
      2 ** 53 + 1,
      2 ** 31,
      59,
      60,
      3600,
      86400,
    ),
    fc.double(),
    fc.integer(),
    hostileString,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(shortHostileString, tie('value'), { maxKeys: 5 }),
    // Long arrays (past every list limit) and deep objects (past any sane nesting).
    fc
      .tuple(
        fc.constantFrom<unknown>('read:keys', '10.0.0.0/8', 1, null, {}),
        fc.integer({ min: 51, max: 5000 }),
      )
      .map(([item, n]) => Array.from({ length: n }, () => item)),
    fc.integer({ min: 20, max: 2000 }).map((depth) => {
      let v: unknown = 'bottom';
      for (let i = 0; i < depth; i++) v = { name: v };
      return v;
    }),
  ),
})).value;

/**
 * JSON text JSON.stringify never writes: numbers out of double range, long digit runs,
 * exponents, deep nesting, and texts that are not JSON at all.
 */
export const oddJsonText = fc.oneof(
  fc.constantFrom(
    '1e400',
    '-1e400',
    '-0',
    '123456789012345678901234567890',
    '0.0000000000000000000000000001',
    '[]',
    '""',
    'null',
    '{"a":1,"a":2}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
    '\uFEFF{}',
    '{',
    '{"name":"\\ud800"}',
    '{"name":"\\u0000"}',
  ),
  fc.integer({ min: 1, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc
    .tuple(shortHostileString, fc.constantFrom('1e400', '-0', '1e-400', '99999999999999999999'))
    .map(([k, n]) => `{${JSON.stringify(k)}:${n}}`),
);

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/**
 * Strings shaped like a JWS (three base64url parts) that no key signed: `none`, HMAC
 * and unknown algorithms, odd `kid`, `crit` and `jku` headers, claims of every type.
 * A verifier must refuse each as an invalid token, whatever it trips on first.
 */
export const jwtShaped = fc
  .tuple(
    fc.oneof(
      fc.constantFrom<unknown>(
        { alg: 'none', typ: 'at+jwt' },
        { alg: 'HS256', typ: 'at+jwt' },
        { alg: 'RS256', typ: 'at+jwt', kid: 'no-such-key' },
        { alg: 'ES256', typ: 'at+jwt', kid: '\u0000' },
        { alg: 'EdDSA', typ: 'JWT' },
        { alg: 'RS256', typ: 'at+jwt', crit: ['exp'] },
        { alg: 'RS256', typ: 'at+jwt', b64: false, crit: ['b64'] },
        { alg: 'RS256', typ: 'at+jwt', jku: 'http://127.0.0.1:1/jwks.json' },
        { alg: 'RS256', typ: 'at+jwt', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
        { alg: 'PS512', typ: 'at+jwt', zip: 'DEF' },
      ),
      hostileJson,
    ),
    fc.oneof(
      fc.record({
        iss: fc.oneof(fc.constant('http://issuer.test'), hostileString),
        sub: hostileString,
        client_id: hostileString,
        aud: fc.oneof(fc.constant('http://issuer.test'), hostileJson),
        exp: fc.oneof(fc.constant(4_102_444_800), hostileJson),
        iat: hostileJson,
        jti: hostileString,
        scope: fc.oneof(fc.constant('read:subjects write:subjects read:keys'), hostileJson),
      }),
      hostileJson,
    ),
    fc.base64String({ maxLength: 400 }),
  )
  .map(([header, payload, signature]) =>
    [
      base64url(JSON.stringify(header) ?? ''),
      base64url(JSON.stringify(payload) ?? ''),
      signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ].join('.'),
  );
