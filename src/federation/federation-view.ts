import type { FederationRow } from '../db/schema/index';
import { type FederationStatus, federationStatus } from './federation-status';

/** A federation as every interface shows it. */
export interface FederationView {
  id: string;
  name: string;
  clientId: string;
  issuer: string;
  audience: string;
  subject: string | null;
  claims: Record<string, string>;
  scopes: string[];
  tokenTtlSeconds: number | null;
  status: FederationStatus;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
}

export function toFederationView(row: FederationRow): FederationView {
  return {
    id: row.id,
    name: row.name,
    clientId: row.clientId,
    issuer: row.issuer,
    audience: row.audience,
    subject: row.subject,
    claims: row.claims,
    scopes: row.scopes,
    tokenTtlSeconds: row.tokenTtlSeconds,
    status: federationStatus(row),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  };
}
