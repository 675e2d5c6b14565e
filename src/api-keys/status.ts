import type { ApiKeyRow } from '../db/schema/index';

export const KEY_STATUSES = ['active', 'disabled', 'expired', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** Derived, never stored: revoked beats expired beats disabled. */
export function keyStatus(key: Pick<ApiKeyRow, 'revokedAt' | 'expiresAt' | 'enabled'>, now: Date): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return key.enabled ? 'active' : 'disabled';
}
