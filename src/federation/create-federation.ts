import { eq } from 'drizzle-orm';
import { validName, validTokenTtl } from '../api-keys/key-fields';
import { normaliseGrant } from '../api-keys/scopes';
import { recordAudit } from '../audit/record-audit';
import { type FederationRow, federations, orgs } from '../db/schema/index';
import { checkFields, DomainError } from '../lib/domain-error';
import { newId } from '../lib/ids';
import { generateFederationClientId } from './federation-client-id';
import { MAX_FEDERATIONS_PER_ORG, validAudience, validClaims, validIssuer } from './federation-fields';
import type { FederationServiceContext } from './federation-service-context';
import { assertMayEntrust } from './federation-to-change';
import { countLiveFederations } from './live-federation-count';
import { validSubjectPattern } from './subject-pattern-rules';

export interface CreateFederationInput {
  name: string;
  issuer: string;
  audience?: string | undefined;
  subject?: string | null | undefined;
  claims?: Record<string, string> | undefined;
  scopes: string[];
  tokenTtlSeconds?: number | null | undefined;
}

/**
 * Creates a trust policy. Nothing is fetched from the issuer: its keys are found when
 * a job first presents a token. The org row is locked while counting, so concurrent
 * creates cannot pass the limit together.
 */
export async function createFederation(
  ctx: FederationServiceContext,
  orgId: string,
  input: CreateFederationInput,
): Promise<FederationRow> {
  let issuer: string | undefined;
  const fields = checkFields({
    name: () => validName(input.name),
    issuer: () => {
      issuer = validIssuer(input.issuer, ctx.issuers);
      return issuer;
    },
    audience: () => validAudience(input.audience, ctx.defaultAudience),
    subject: () => validSubjectPattern(input.subject),
    // GitHub's own rules apply only once the issuer is known to be GitHub's.
    claims: () => validClaims(input.claims, issuer),
    scopes: () => normaliseGrant(input.scopes ?? [], ctx.catalog),
    tokenTtlSeconds: () => validTokenTtl(input.tokenTtlSeconds),
  });
  assertMayEntrust(ctx, fields.scopes);
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx.select().from(orgs).where(eq(orgs.id, orgId)).for('update');
    if (!org) throw new DomainError('not-found', 'no such organisation');
    const live = await countLiveFederations(tx, orgId);
    if (live >= MAX_FEDERATIONS_PER_ORG) {
      throw new DomainError(
        'conflict',
        `organisation ${org.slug} already has ${live} active or disabled federations (limit ${MAX_FEDERATIONS_PER_ORG}); revoke one first`,
      );
    }
    const [row] = await tx
      .insert(federations)
      .values({
        id: newId('fed'),
        orgId,
        clientId: generateFederationClientId(),
        ...fields,
        enabled: true,
        createdAt: ctx.now,
        createdBy: ctx.actor.label,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'federation.created',
      actor: ctx.actor,
      target: { type: 'federation', id: row.id },
      meta: ctx.meta,
      details: { clientId: row.clientId, ...fields },
    });
    return row;
  });
}
