import type { JWTPayload } from 'jose';

const MAX_VALUE_CHARS = 200;

/**
 * A claim value as a refusal shows it: strings as they are, numbers in decimal, other
 * JSON compactly; cut to a readable length, and anything outside printable ASCII
 * escaped so the description stays one plain line whatever the token carried.
 */
export function shownValue(value: unknown): string {
  let text: string;
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = String(value);
  else text = JSON.stringify(value) ?? String(value);
  if (text.length > MAX_VALUE_CHARS) text = `${text.slice(0, MAX_VALUE_CHARS)}…`;
  return text.replace(/[^\x20-\x7e]/g, (ch) =>
    ch === '…' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * "claims seen: iss=…, aud=…, sub=…, <pinned>=…": what a user needs to fix the policy
 * from the job's log. Only these claims, never the token or its signature.
 */
export function claimsSeen(payload: JWTPayload | undefined, pinned: readonly string[]): string {
  if (!payload) return 'claims seen: none (the token could not be read)';
  const names = ['iss', 'aud', 'sub', ...pinned.filter((n) => n !== 'iss' && n !== 'aud' && n !== 'sub')];
  return `claims seen: ${names.map((n) => `${n}=${shownValue(payload[n])}`).join(', ')}`;
}
