import { z } from '@hono/zod-openapi';
import { EXPIRY_CHOICES } from '../api-keys/expiry';
import { IMPORTED_CLIENT_ID_MAX } from '../api-keys/imported-client-id';
import { MAX_CIDRS, MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../api-keys/key-fields';
import { LIST_LIMIT_MAX } from '../api-keys/list-keys';
import { MAX_GRACE_SECONDS } from '../api-keys/rotate-key';
import { AUDIENCE_MAX, CLAIM_VALUE_MAX, FEDERATION_CLAIM_NAMES } from '../federation/federation-fields';
import { FEDERATION_LIST_MAX } from '../federation/list-federations';
import { SUBJECT_PATTERN_MAX } from '../federation/subject-pattern-rules';
import { NAME_MAX } from '../lib/display-name';

/** Shapes of the management API, shared by routes and the OpenAPI document. */

export const OrgParam = z.object({
  org: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'org', in: 'path' }, description: 'slug or id', example: 'acme' }),
});
export const KeyParam = OrgParam.extend({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'key id or clientId' }),
});

export const Key = z
  .object({
    id: z.string(),
    name: z.string(),
    clientId: z.string().openapi({ example: 'km_4Jq9cY2mXbQ1fT7vLr0aZe' }),
    secretPreview: z.string().openapi({ example: 'kms_…Ab3d' }),
    scopes: z.array(z.string()),
    allowedCidrs: z.array(z.string()),
    tokenTtlSeconds: z.number().int().nullable(),
    status: z.enum(['active', 'disabled', 'expired', 'revoked']),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().nullable(),
    lastUsedIp: z.string().nullable(),
    rotatedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Key');

export const KeyWithSecret = Key.extend({
  clientSecret: z.string().openapi({ description: 'shown only in this response' }),
}).openapi('KeyWithSecret');

export const KeyList = z
  .object({ items: z.array(Key), nextCursor: z.string().nullable() })
  .openapi('KeyList');

const scopes = z.array(z.string().max(100)).max(50);
const cidrs = z.array(z.string().max(64)).max(MAX_CIDRS);
const ttl = z.number().int().min(MIN_TOKEN_TTL).max(MAX_TOKEN_TTL);
const name = z.string().min(1).max(NAME_MAX);

export const CreateKeyBody = z
  .strictObject({
    name,
    scopes: scopes.min(1),
    expiresIn: z.enum(EXPIRY_CHOICES as [string, ...string[]]).optional(),
    expiresAt: z.string().max(64).optional().openapi({ description: 'RFC 3339, in the future' }),
    tokenTtlSeconds: ttl.nullable().optional(),
    allowedCidrs: cidrs.optional(),
  })
  .openapi('CreateKey');

export const ImportKeyBody = CreateKeyBody.extend({
  clientId: z.string().min(1).max(IMPORTED_CLIENT_ID_MAX).openapi({
    description:
      'the client id the other issuer gave this client: printable ASCII without spaces, not starting with km_, kmf_, kms_ or key_; unique',
    example: 'legacy-billing-sync',
  }),
  clientSecret: z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: 'the secret itself (8–72 bytes), stored as bcrypt at BCRYPT_COST' }),
  clientSecretBcrypt: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "or the other issuer's bcrypt hash of it, at this deployment's BCRYPT_COST" }),
})
  .strict()
  .openapi('ImportKey', {
    description:
      'Exactly one of clientSecret and clientSecretBcrypt. Every token request then costs a bcrypt comparison: rotate the key to a keymint secret once its callers work.',
  });

export const UpdateKeyBody = z
  .strictObject({
    name: name.optional(),
    scopes: scopes.min(1).optional(),
    allowedCidrs: cidrs.optional(),
    tokenTtlSeconds: ttl.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .openapi('UpdateKey');

export const RotateKeyBody = z
  .strictObject({ gracePeriodSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional() })
  .openapi('RotateKey');

export const ListKeysQuery = z.object({
  status: z.enum(['active', 'disabled', 'expired', 'revoked', 'all']).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).optional(),
  cursor: z.string().max(200).optional(),
});

export const UsageQuery = z.object({
  granularity: z.enum(['hour', 'day']).optional(),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
});

export const Usage = z
  .object({
    granularity: z.enum(['hour', 'day']),
    buckets: z.array(z.object({ start: z.string(), issued: z.number().int(), refused: z.number().int() })),
    totals: z.object({ issued: z.number().int(), refused: z.number().int() }),
  })
  .openapi('Usage');

export const AuditQuery = z.object({
  action: z.string().max(100).optional().openapi({ description: 'exact, or a prefix ending in .* (key.*)' }),
  actorId: z.string().max(100).optional(),
  targetId: z.string().max(100).optional(),
  since: z.string().max(64).optional(),
  until: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
});

export const AuditEvent = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    actor: z.object({ type: z.string(), id: z.string() }),
    target: z.object({ type: z.string(), id: z.string() }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEvent');

export const AuditList = z
  .object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() })
  .openapi('AuditList');

export const Org = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    maxActiveKeys: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Org');

export const OrgSettings = z
  .object({
    maxActiveKeys: z.number().int(),
    defaultExpiryDays: z.number().int(),
    maxExpiryDays: z.number().int().nullable(),
    allowNeverExpiry: z.boolean(),
  })
  .openapi('OrgSettings');

export const UpdateOrgSettingsBody = z
  .strictObject({
    name: name.optional(),
    maxActiveKeys: z.number().int().min(1).max(1000).optional(),
    defaultExpiryDays: z.number().int().min(1).max(3650).optional(),
    maxExpiryDays: z.number().int().min(1).max(3650).nullable().optional(),
    allowNeverExpiry: z.boolean().optional(),
  })
  .openapi('UpdateOrgSettings');

export const FederationParam = OrgParam.extend({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'federation id or clientId' }),
});

const claimsDescription = `pinned claims, each an exact string: ${FEDERATION_CLAIM_NAMES.join(', ')}; a federation for GitHub (https://token.actions.githubusercontent.com) must pin repository_id and repository_owner_id`;

export const Federation = z
  .object({
    id: z.string(),
    name: z.string(),
    clientId: z.string().openapi({ example: 'kmf_4Jq9cY2mXbQ1fT7vLr0aZe' }),
    issuer: z.string().openapi({ example: 'https://token.actions.githubusercontent.com' }),
    audience: z.string(),
    subject: z.string().nullable(),
    claims: z.record(z.string(), z.string()).openapi({
      description: claimsDescription,
      example: { repository_id: '123456789', repository_owner_id: '987654', ref: 'refs/heads/main' },
    }),
    scopes: z.array(z.string()),
    tokenTtlSeconds: z.number().int().nullable(),
    status: z.enum(['active', 'disabled', 'revoked']),
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('Federation');

export const FederationList = z
  .object({ items: z.array(Federation), nextCursor: z.string().nullable() })
  .openapi('FederationList');

const claims = z
  .record(z.string().max(100), z.string().max(CLAIM_VALUE_MAX))
  .openapi({ description: claimsDescription });
const audience = z.string().min(1).max(AUDIENCE_MAX);
const subject = z.string().max(SUBJECT_PATTERN_MAX).nullable().openapi({
  description:
    'the sub pattern: `:`-separated parts, `*` matching within one part (e.g. repo:acme/api:ref:refs/heads/*); null or empty for any subject',
});

export const CreateFederationBody = z
  .strictObject({
    name,
    issuer: z.string().min(1).max(300).openapi({ description: 'one of FEDERATION_ISSUERS' }),
    audience: audience.optional().openapi({ description: 'the ID token’s exact aud; default ISSUER_URL' }),
    subject: subject.optional(),
    claims: claims.optional(),
    scopes: scopes.min(1),
    tokenTtlSeconds: ttl.nullable().optional(),
  })
  .openapi('CreateFederation');

export const UpdateFederationBody = z
  .strictObject({
    name: name.optional(),
    audience: audience.optional(),
    subject: subject.optional(),
    claims: claims.optional(),
    scopes: scopes.min(1).optional(),
    tokenTtlSeconds: ttl.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .openapi('UpdateFederation');

export const ListFederationsQuery = z.object({
  status: z.enum(['active', 'disabled', 'revoked', 'all']).optional().openapi({ description: 'default all' }),
  limit: z.coerce.number().int().min(1).max(FEDERATION_LIST_MAX).optional(),
  cursor: z.string().max(200).optional(),
});

export const Problem = z
  .object({
    type: z.string().openapi({ example: 'urn:keymint:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The error responses every authenticated route may give. */
export const errorResponses = {
  400: problem('validation: malformed JSON, wrong types, unknown fields, values out of range'),
  401: problem('unauthorized: no or invalid credentials'),
  403: problem('forbidden: missing scope or role, or escalation'),
  404: problem('not-found: no such organisation or key (another organisation’s objects too)'),
} as const;
export const conflictResponse = { 409: problem('conflict or active-key-limit') } as const;

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T>(schema: T, required = true) => ({
  body: { required, content: { 'application/json': { schema } } },
});
