import { randomBase62 } from '../lib/base62';

/**
 * A federation's public client id: `kmf_` + 22 base62 characters. The prefix differs
 * from a key's `km_` so /token tells the two kinds of client apart before any lookup.
 */
export const FEDERATION_CLIENT_ID_PREFIX = 'kmf_';
export const FEDERATION_CLIENT_ID_RE = /^kmf_[0-9A-Za-z]{22}$/;

export function generateFederationClientId(): string {
  return FEDERATION_CLIENT_ID_PREFIX + randomBase62(22);
}
