import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import type { PasswordHasher } from '../auth/password-hasher';
import { type ApiKeyRow, apiKeys, orgs } from '../db/schema/index';
import { checkFields, DomainError, validationError } from '../lib/domain-error';
import { newId } from '../lib/ids';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';
import { assertRoomForKey } from './active-count';
import type { CreateKeyInput } from './create-key';
import { resolveExpiry } from './expiry';
import { importedClientIdProblem } from './imported-client-id';
import { validCidrs, validName, validTokenTtl } from './key-fields';
import type { KeyServiceContext } from './key-service-context';
import { assertMayGrant } from './no-escalation';
import { normaliseGrant } from './scopes';

/** A key brought from another issuer: its client id and its secret, or that issuer's bcrypt hash of it. */
export interface ImportKeyInput extends CreateKeyInput {
  clientId: string;
  clientSecret?: string | undefined;
  clientSecretBcrypt?: string | undefined;
}

/** bcrypt as the deployment runs it: the hasher (worker threads on Node) and BCRYPT_COST. */
export interface ImportHashing {
  hasher: Pick<PasswordHasher, 'hash'>;
  cost: number;
}

export const IMPORTED_SECRET_MIN = 8;
/** bcrypt reads 72 bytes and ignores the rest: a longer secret would not be told from its prefix. */
export const IMPORTED_SECRET_MAX_BYTES = 72;
/** What the secret preview shows for an imported secret: none of its characters (it may be short). */
export const IMPORTED_PREVIEW = '(imported)';

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

function validSecret(secret: string): string {
  if (!isStorableText(secret)) throw validationError('clientSecret', UNSTORABLE_TEXT_MESSAGE);
  if (secret.length < IMPORTED_SECRET_MIN)
    throw validationError('clientSecret', `must be at least ${IMPORTED_SECRET_MIN} characters`);
  if (new TextEncoder().encode(secret).length > IMPORTED_SECRET_MAX_BYTES)
    throw validationError(
      'clientSecret',
      `must be at most ${IMPORTED_SECRET_MAX_BYTES} bytes (bcrypt ignores the rest); import the other issuer's bcrypt hash, or create a keymint key instead`,
    );
  return secret;
}

/**
 * A bcrypt hash of the deployment's cost only: an unknown client id is refused after a
 * dummy comparison at BCRYPT_COST, so a key hashed at another cost would answer a wrong
 * secret measurably faster or slower than an unknown id, telling that the id exists.
 */
function validBcrypt(hash: string, cost: number): string {
  const m = BCRYPT_HASH.exec(hash);
  if (!m)
    throw validationError('clientSecretBcrypt', 'must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)');
  if (Number(m[1]) !== cost)
    throw validationError(
      'clientSecretBcrypt',
      `has cost ${Number(m[1])}, but this deployment's BCRYPT_COST is ${cost}: set BCRYPT_COST=${Number(m[1])}, or import the secret itself`,
    );
  return hash;
}

/**
 * Imports a client of another issuer as a key of `orgId`, keeping its client id and
 * secret so its callers need no change. The same rules as creating a key (fields, no
 * escalation, expiry, the org's limit under its row lock) apply; the secret is stored as
 * bcrypt, never in clear. Rotating the key later issues a keymint secret (SHA-256).
 */
export async function importKey(
  ctx: KeyServiceContext,
  hashing: ImportHashing,
  orgId: string,
  input: ImportKeyInput,
): Promise<ApiKeyRow> {
  const fields = checkFields({
    name: () => validName(input.name),
    scopes: () => normaliseGrant(input.scopes ?? [], ctx.catalog),
    tokenTtlSeconds: () => validTokenTtl(input.tokenTtlSeconds),
    allowedCidrs: () => validCidrs(input.allowedCidrs),
    clientId: () => {
      const problem = importedClientIdProblem(input.clientId ?? '');
      if (problem) throw validationError('clientId', problem);
      return input.clientId;
    },
    secret: () => {
      const { clientSecret, clientSecretBcrypt } = input;
      if ((clientSecret === undefined) === (clientSecretBcrypt === undefined))
        throw validationError('clientSecret', 'give clientSecret or clientSecretBcrypt, exactly one of them');
      return clientSecret !== undefined
        ? { secret: validSecret(clientSecret) }
        : { bcrypt: validBcrypt(clientSecretBcrypt as string, hashing.cost) };
    },
  });
  assertMayGrant(ctx, fields.scopes);
  const { secret } = fields;
  // Hashed before the transaction: a bcrypt hash takes tens of milliseconds.
  const secretDigest = 'bcrypt' in secret ? secret.bcrypt : await hashing.hasher.hash(secret.secret);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [org] = await tx.select().from(orgs).where(eq(orgs.id, orgId)).for('update');
      if (!org) throw new DomainError('not-found', 'no such organisation');
      const expiresAt = resolveExpiry(input, org, ctx.now);
      await assertRoomForKey(tx, org, ctx.now);
      const [taken] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(eq(apiKeys.clientId, fields.clientId));
      if (taken) throw clientIdTaken(fields.clientId);
      const [row] = await tx
        .insert(apiKeys)
        .values({
          id: newId('key'),
          orgId,
          name: fields.name,
          clientId: fields.clientId,
          secretDigest,
          secretPreview: IMPORTED_PREVIEW,
          scopes: fields.scopes,
          allowedCidrs: fields.allowedCidrs,
          tokenTtlSeconds: fields.tokenTtlSeconds,
          enabled: true,
          expiresAt,
          createdAt: ctx.now,
          createdBy: ctx.actor.label,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await recordAudit(tx, ctx.now, {
        orgId,
        action: 'key.imported',
        actor: ctx.actor,
        target: { type: 'key', id: row.id },
        meta: ctx.meta,
        details: {
          name: fields.name,
          clientId: row.clientId,
          scopes: fields.scopes,
          expiresAt: expiresAt?.toISOString() ?? null,
          secretFrom: 'bcrypt' in secret ? 'bcrypt-hash' : 'secret',
        },
      });
      return row;
    });
  } catch (e) {
    // Two imports of one id at once: the unique index decides, the loser hears why.
    if (isUniqueViolation(e)) throw clientIdTaken(fields.clientId);
    throw e;
  }
}

/** Client ids are unique across organisations: /token knows a client by its id alone. */
const clientIdTaken = (clientId: string) =>
  new DomainError('conflict', `client id "${clientId}" is already in use by a keymint key`, {
    fields: [{ field: 'clientId', message: 'is already in use' }],
  });

function isUniqueViolation(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 4; depth++) {
    if ((cur as { code?: unknown }).code === '23505') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
