import { z } from '@hono/zod-openapi';
import { createKey } from '../api-keys/create-key';
import { findKey } from '../api-keys/find-key';
import type { KeyServiceContext } from '../api-keys/key-service-context';
import { toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { updateKey } from '../api-keys/update-key';
import { listAuditEvents } from '../audit/list-audit';
import {
  AuditList,
  CreateKeyBody,
  Key,
  KeyList,
  KeyWithSecret,
  ListKeysQuery,
  RotateKeyBody,
  UpdateKeyBody,
  Usage,
} from '../management/schemas';
import { queryUsage } from '../usage/query-usage';
import type { UsageBuffer } from '../usage/usage-buffer';

/** Who calls a tool: a key, through a token of its organisation. */
export interface McpCaller {
  org: { id: string; slug: string };
  clientId: string;
  /** The token's scopes: they decide which tools exist for this caller. */
  scopes: string[];
  /** The key services' context, acting as this key with its token's grant. */
  ctx: KeyServiceContext;
  usage: UsageBuffer;
}

/** A tool: what it needs, what it takes and gives (the management API's shapes), and what it does. */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  /** The scope the token must carry for the tool to be listed at all; null for every caller. */
  scope: string | null;
  input: z.ZodRawShape;
  output: z.ZodObject;
  run(caller: McpCaller, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** `key` names a key in every tool that acts on one: its id or its client id. */
const keyRef = { key: z.string().min(1).max(100).describe('the key: its id or its client id') };

const Whoami = z.object({
  org: z.object({ id: z.string(), slug: z.string() }),
  clientId: z.string(),
  scopes: z.array(z.string()),
});

/**
 * The tools /mcp offers. Each calls the same service as the matching /api/v1 route, so
 * every rule (the active-key limit, expiry presets, no escalation, another
 * organisation's keys not found) holds exactly as there.
 */
export const MCP_TOOLS: readonly McpTool[] = [
  {
    name: 'whoami',
    title: 'Who am I',
    description: 'The organisation, client id and scopes of the key behind this token.',
    scope: null,
    input: {},
    output: Whoami,
    run: async (c) => ({ org: c.org, clientId: c.clientId, scopes: c.scopes }),
  },
  {
    name: 'list_keys',
    title: 'List keys',
    description: 'The organisation’s keys, newest first (status defaults to active; q searches names).',
    scope: 'read:keys',
    input: ListKeysQuery.shape,
    output: KeyList,
    run: async (c, args) => {
      const page = await listKeys(c.ctx.db, c.org.id, c.ctx.now, args);
      return { items: page.items.map((k) => toKeyView(k, c.ctx.now)), nextCursor: page.nextCursor };
    },
  },
  {
    name: 'get_key',
    title: 'Get a key',
    description: 'One key, never its secret.',
    scope: 'read:keys',
    input: keyRef,
    output: Key,
    run: async (c, args) => ({
      ...toKeyView(await findKey(c.ctx.db, c.org.id, args.key as string), c.ctx.now),
    }),
  },
  {
    name: 'create_key',
    title: 'Create a key',
    description:
      'Creates a key and returns it with its clientSecret, shown only in this result. Scopes may not exceed this token’s.',
    scope: 'write:keys',
    input: CreateKeyBody.shape,
    output: KeyWithSecret,
    run: async (c, args) => {
      const { key, secret } = await createKey(c.ctx, c.org.id, args as z.infer<typeof CreateKeyBody>);
      return { ...toKeyView(key, c.ctx.now), clientSecret: secret };
    },
  },
  {
    name: 'update_key',
    title: 'Update a key',
    description:
      'Renames, re-scopes, changes allowed IP ranges or token lifetime, disables or enables a key.',
    scope: 'write:keys',
    input: { ...keyRef, ...UpdateKeyBody.shape },
    output: Key,
    run: async (c, { key, ...changes }) => ({
      ...toKeyView(
        await updateKey(c.ctx, c.org.id, key as string, changes as z.infer<typeof UpdateKeyBody>),
        c.ctx.now,
      ),
    }),
  },
  {
    name: 'rotate_key',
    title: 'Rotate a key',
    description:
      'Issues a new secret, shown only in this result; the old one stops now or after gracePeriodSeconds.',
    scope: 'write:keys',
    input: { ...keyRef, ...RotateKeyBody.shape },
    output: KeyWithSecret,
    run: async (c, args) => {
      const grace = (args.gracePeriodSeconds as number | undefined) ?? 0;
      const { key, secret } = await rotateKey(c.ctx, c.org.id, args.key as string, grace);
      return { ...toKeyView(key, c.ctx.now), clientSecret: secret };
    },
  },
  {
    name: 'revoke_key',
    title: 'Revoke a key',
    description: 'Revokes a key at once and for good: its secret gets no new token.',
    scope: 'write:keys',
    input: keyRef,
    output: Key,
    run: async (c, args) => ({
      ...toKeyView(await revokeKey(c.ctx, c.org.id, args.key as string), c.ctx.now),
    }),
  },
  {
    name: 'get_usage',
    title: 'Usage',
    description:
      'Tokens issued and refused per hour over the last 24 hours: one key’s, or the organisation’s.',
    scope: 'read:usage',
    input: { key: keyRef.key.optional() },
    output: Usage,
    run: async (c, args) => {
      const key = args.key ? await findKey(c.ctx.db, c.org.id, args.key as string) : undefined;
      await c.usage.flush(c.ctx.db);
      return { ...(await queryUsage(c.ctx.db, c.ctx.now, { orgId: c.org.id, keyId: key?.id })) };
    },
  },
  {
    name: 'list_audit_events',
    title: 'Audit events',
    description: 'Who did what, when and from where, newest first.',
    scope: 'read:audit',
    input: {
      limit: z.number().int().min(1).max(200).optional(),
      cursor: z.string().max(200).optional(),
    },
    output: AuditList,
    run: async (c, args) => ({
      ...(await listAuditEvents(c.ctx.db, c.org.id, args as { limit?: number; cursor?: string })),
    }),
  },
];

/** The scopes any tool needs, for the protected-resource metadata and the challenge. */
export const MCP_SCOPES: readonly string[] = [
  ...new Set(MCP_TOOLS.flatMap((t) => (t.scope ? [t.scope] : []))),
];
