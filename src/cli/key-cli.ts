import type { KeyServiceContext } from '../api-keys/key-service-context';
import type { KeyView } from '../api-keys/key-view';
import { scopeCatalog } from '../api-keys/scopes';
import { operatorActor } from '../audit/actor';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { noMoreArguments, required } from './args';
import type { CliIo } from './cli-io';

/** The key services' context for the operator at the CLI. */
export function keyContext(io: CliIo, database: Database, config: Config): KeyServiceContext {
  return {
    db: database.db,
    now: io.clock.now(),
    catalog: scopeCatalog(config.extraScopes),
    actor: operatorActor(),
  };
}

/** The one `<key>` operand. */
export function onePositional(positionals: string[], usage: string): string {
  const ref = required(positionals[0], '<key>', usage);
  noMoreArguments(positionals, usage, 1);
  return ref;
}

export const dateOrNever = (iso: string | null) => iso ?? 'never';

/** A key for a person: every field of the API's object, one a line. */
export function keyDetails(k: KeyView): string {
  return [
    `client_id:   ${k.clientId}`,
    `secret:      ${k.secretPreview}`,
    `status:      ${k.status}`,
    `scopes:      ${k.scopes.join(' ')}`,
    `allowed IPs: ${k.allowedCidrs.join(' ') || 'any'}`,
    `token ttl:   ${k.tokenTtlSeconds ? `${k.tokenTtlSeconds} s` : 'the server default'}`,
    `expires:     ${dateOrNever(k.expiresAt)}`,
    `created:     ${k.createdAt} by ${k.createdBy}`,
    `last used:   ${k.lastUsedAt ? `${k.lastUsedAt} from ${k.lastUsedIp ?? 'an unknown address'}` : 'never'}`,
    ...(k.rotatedAt ? [`rotated:     ${k.rotatedAt}`] : []),
    ...(k.revokedAt ? [`revoked:     ${k.revokedAt}`] : []),
  ].join('\n');
}
