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

/**
 * Creates a key and returns it with its secret, the only time the secret exists in
 * clear. The org row is locked while counting, so concurrent creates cannot pass the
 * limit together.
 */
export async function createKey(
  ctx: KeyServiceContext,
  orgId: string,
  input: CreateKeyInput,
): Promise<{ key: ApiKeyRow; secret: string }> {
  const { name, scopes, tokenTtlSeconds, allowedCidrs } = checkFields({
    name: () => validName(input.name),
    scopes: () => normaliseGrant(input.scopes ?? [], ctx.catalog),
    tokenTtlSeconds: () => validTokenTtl(input.tokenTtlSeconds),
    allowedCidrs: () => validCidrs(input.allowedCidrs),
  });
  assertMayGrant(ctx, scopes);
  const secret = generateSecret();
  const secretDigest = await digestSecret(secret);
  const key = await ctx.db.transaction(async (tx) => {
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
        clientId: generateClientId(),
        secretDigest,
        secretPreview: secretPreview(secret),
        scopes,
        allowedCidrs,
        tokenTtlSeconds,
        enabled: true,
        expiresAt,
        createdAt: ctx.now,
        createdBy: ctx.actor.label,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'key.created',
      actor: ctx.actor,
      target: { type: 'key', id: row.id },
      meta: ctx.meta,
      details: { name, clientId: row.clientId, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return row;
  });
  return { key, secret };
}
