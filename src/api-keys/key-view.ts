import type { ApiKeyRow } from '../db/schema/index';
import { type KeyStatus, keyStatus } from './status';

/** A key as every interface shows it; never the secret or its digest. */
export interface KeyView {
  id: string;
  name: string;
  clientId: string;
  secretPreview: string;
  scopes: string[];
  allowedCidrs: string[];
  tokenTtlSeconds: number | null;
  status: KeyStatus;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toKeyView(row: ApiKeyRow, now: Date): KeyView {
  return {
    id: row.id,
    name: row.name,
    clientId: row.clientId,
    secretPreview: row.secretPreview,
    scopes: row.scopes,
    allowedCidrs: row.allowedCidrs,
    tokenTtlSeconds: row.tokenTtlSeconds,
    status: keyStatus(row, now),
    expiresAt: iso(row.expiresAt),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    rotatedAt: iso(row.rotatedAt),
    revokedAt: iso(row.revokedAt),
  };
}
