import type { FederationRow } from '../db/schema/index';

export const FEDERATION_STATUSES = ['active', 'disabled', 'revoked'] as const;
export type FederationStatus = (typeof FEDERATION_STATUSES)[number];

/** Derived, never stored: revoked beats disabled. Only an active federation exchanges tokens. */
export function federationStatus(row: Pick<FederationRow, 'revokedAt' | 'enabled'>): FederationStatus {
  if (row.revokedAt) return 'revoked';
  return row.enabled ? 'active' : 'disabled';
}
