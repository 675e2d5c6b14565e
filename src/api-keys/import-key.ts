import type { PasswordHasher } from '../auth/password-hasher';
import type { ApiKeyRow } from '../db/schema/index';
import { DomainError, validationError } from '../lib/domain-error';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';
import { type CreateKeyInput, checkNewKeyFields, insertNewKey } from './create-key';
import { importedClientIdProblem } from './imported-client-id';
import type { KeyServiceContext } from './key-service-context';

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

const IMPORTED_SECRET_MIN = 8;
/** bcrypt reads 72 bytes and ignores the rest: a longer secret would not be told from its prefix. */
const IMPORTED_SECRET_MAX_BYTES = 72;
/** What the secret preview shows for an imported secret: none of its characters (it may be short). */
const IMPORTED_PREVIEW = '(imported)';

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
  const fields = checkNewKeyFields(ctx, input, {
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
  const { clientId, secret } = fields;
  // Hashed before the transaction: a bcrypt hash takes tens of milliseconds.
  const digest = 'bcrypt' in secret ? secret.bcrypt : await hashing.hasher.hash(secret.secret);
  const row = await insertNewKey(
    ctx,
    orgId,
    input,
    fields,
    { clientId, digest, preview: IMPORTED_PREVIEW },
    { action: 'key.imported', details: { secretFrom: 'bcrypt' in secret ? 'bcrypt-hash' : 'secret' } },
  );
  // Client ids are unique across organisations: /token knows a client by its id alone.
  if (!row)
    throw new DomainError('conflict', `client id "${clientId}" is already in use by a keymint key`, {
      fields: [{ field: 'clientId', message: 'is already in use' }],
    });
  return row;
}
