import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { type ApiKeyRow, apiKeys, orgs } from '../db/schema/index';
import { checkFields, DomainError } from '../lib/domain-error';
import { newId } from '../lib/ids';
import { assertRoomForKey } from './active-count';
import { resolveExpiry } from './expiry';
import { validCidrs, validName, validTokenTtl } from './key-fields';
import type { KeyServiceContext } from './key-service-context';
import { assertMayGrant } from './no-escalation';
import { normaliseGrant } from './scopes';
import { digestSecret, generateClientId, generateSecret, secretPreview } from './secrets';

export interface CreateKeyInput {
  name: string;
  scopes: string[];
  expiresIn?: string | undefined;
  expiresAt?: string | undefined;
  tokenTtlSeconds?: number | null | undefined;
  allowedCidrs?: string[] | undefined;
}

/** The fields every new key has, created or imported, as checked. */
export interface NewKeyFields {
  name: string;
  scopes: string[];
  tokenTtlSeconds: number | null;
  allowedCidrs: string[];
}

/**
 * Checks the fields every new key has, created or imported, together with `more` (an
 * import's own), so all field errors are reported at once; then that the acting token
 * may grant the scopes.
 */
export function checkNewKeyFields<T extends Record<string, () => unknown>>(
  ctx: KeyServiceContext,
  input: CreateKeyInput,
  more: T,
): NewKeyFields & { [K in keyof T]: ReturnType<T[K]> } {
  // The cast only restates what checkFields returns: TypeScript cannot see through the spread of T.
  const fields = checkFields({
    name: () => validName(input.name),
    scopes: () => normaliseGrant(input.scopes ?? [], ctx.catalog),
    tokenTtlSeconds: () => validTokenTtl(input.tokenTtlSeconds),
    allowedCidrs: () => validCidrs(input.allowedCidrs),
    ...more,
  }) as NewKeyFields & { [K in keyof T]: ReturnType<T[K]> };
  assertMayGrant(ctx, fields.scopes);
  return fields;
}

/**
 * Stores a new key, created or imported, with its audit event. The org row is locked
 * while counting, so concurrent creates and imports cannot pass the limit together.
 * Undefined, with nothing written, when another key already has the client id.
 */
export async function insertNewKey(
  ctx: KeyServiceContext,
  orgId: string,
  input: CreateKeyInput,
  fields: NewKeyFields,
  secret: { clientId: string; digest: string; preview: string },
  audit: { action: 'key.created' | 'key.imported'; details?: Record<string, unknown> },
): Promise<ApiKeyRow | undefined> {
  const { name, scopes, tokenTtlSeconds, allowedCidrs } = fields;
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx.select().from(orgs).where(eq(orgs.id, orgId)).for('update');
    if (!org) throw new DomainError('not-found', 'no such organisation');
    const expiresAt = resolveExpiry(input, org, ctx.now);
    await assertRoomForKey(tx, org, ctx.now);
    const [row] = await tx
      .insert(apiKeys)
      .values({
        id: newId('key'),
        orgId,
        name,
        clientId: secret.clientId,
        secretDigest: secret.digest,
        secretPreview: secret.preview,
        scopes,
        allowedCidrs,
        tokenTtlSeconds,
        enabled: true,
        expiresAt,
        createdAt: ctx.now,
        createdBy: ctx.actor.label,
      })
      // Client ids are unique across organisations: two imports of one id at once, the
      // unique index decides and the loser writes nothing.
      .onConflictDoNothing({ target: apiKeys.clientId })
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, ctx.now, {
      orgId,
      action: audit.action,
      actor: ctx.actor,
      target: { type: 'key', id: row.id },
      meta: ctx.meta,
      details: {
        name,
        clientId: row.clientId,
        scopes,
        expiresAt: expiresAt?.toISOString() ?? null,
        ...audit.details,
      },
    });
    return row;
  });
}

/**
 * Creates a key and returns it with its secret, the only time the secret exists in
 * clear.
 */
export async function createKey(
  ctx: KeyServiceContext,
  orgId: string,
  input: CreateKeyInput,
): Promise<{ key: ApiKeyRow; secret: string }> {
  const fields = checkNewKeyFields(ctx, input, {});
  const secret = generateSecret();
  const digest = await digestSecret(secret);
  const key = await insertNewKey(
    ctx,
    orgId,
    input,
    fields,
    { clientId: generateClientId(), digest, preview: secretPreview(secret) },
    { action: 'key.created' },
  );
  if (!key) throw new Error('insert returned no row');
  return { key, secret };
}
