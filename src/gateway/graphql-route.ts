import { execute, type GraphQLSchema, validate } from 'graphql';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { Db } from '../db/database';
import type { Clock } from '../lib/clock';
import type { GatewayContext } from './builtin-schema';
import { type AnalysedOperation, analyseDocument, DEFAULT_LIMITS } from './document-rules';
import { GatewayError, gatewayErrorResponse } from './gateway-error';
import { requiredScopes } from './required-scopes';
import type { RevocationCache } from './revocation-cache';
import { LEEWAY_SECONDS, type VerifiedCaller, verifyBearer } from './token-verifier';
import { forwardToUpstream } from './upstream';

export interface GatewayOptions {
  issuer: string;
  audience: string;
  clock: Clock;
  getKey: JWTVerifyGetKey;
  /** Refuses tokens of revoked or disabled keys and revoked tokens; absent when there is no database. */
  revocations?: RevocationCache | undefined;
  /** Built-in schema and its database, or an upstream URL to forward to. */
  target: { schema: GraphQLSchema; db: Db } | { upstream: string };
  upstreamTimeoutMs?: number;
}

/**
 * A small map that forgets everything when full: enough to keep the common case (the
 * same tokens and documents over and over) cheap without growing without bound.
 */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.map.get(k);
  }
  set(k: string, v: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, v);
  }
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function parseBody(text: string): {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
} {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GatewayError(400, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, 'the body must be a JSON object');
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.length === 0)
    throw new GatewayError(400, '"query" must be a non-empty string');
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    throw new GatewayError(400, '"variables" must be an object');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new GatewayError(400, '"operationName" must be a string');
  }
  return {
    query,
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
    ...(typeof operationName === 'string' ? { operationName } : {}),
  };
}

/**
 * POST /graphql: RFC 6750 bearer check, then abuse limits, then scopes per root field,
 * then the built-in schema or the upstream. Nothing runs or leaves before all checks pass.
 */
export function createGraphqlRoute(g: GatewayOptions): Hono {
  const route = new Hono();
  // A verified signature stays verified until the token expires; revocation is still
  // checked on every request. An analysed document is the same analysis next time.
  const verified = new BoundedCache<VerifiedCaller>(10_000);
  const analysed = new BoundedCache<{ op: AnalysedOperation; invalid: string[]; needed: string[] }>(500);
  const verify = async (token: string, now: Date): Promise<VerifiedCaller> => {
    const hit = verified.get(token);
    if (hit && now.getTime() < (hit.exp + LEEWAY_SECONDS) * 1000) return hit;
    const caller = await verifyBearer(token, g.getKey, { issuer: g.issuer, audience: g.audience, now });
    verified.set(token, caller);
    return caller;
  };
  const schema = 'schema' in g.target ? g.target.schema : undefined;
  const analyse = (query: string, operationName: string | undefined) => {
    const key = `${operationName ?? ''}\u0000${query}`;
    const hit = analysed.get(key);
    if (hit) return hit;
    const op = analyseDocument(query, operationName, DEFAULT_LIMITS);
    const invalid = schema ? validate(schema, op.document).map((e) => e.message) : [];
    const entry = { op, invalid, needed: invalid.length ? [] : requiredScopes(op, schema) };
    if (query.length <= 8192) analysed.set(key, entry);
    return entry;
  };
  route.onError((e) => {
    if (e instanceof GatewayError) return gatewayErrorResponse(e, g.issuer);
    throw e;
  });
  route.post('/graphql', async (c) => {
    const authorization = c.req.header('authorization');
    if (!authorization || !/^Bearer\b/i.test(authorization)) {
      throw new GatewayError(
        401,
        'send an access token from /token as "Authorization: Bearer <token>"',
        {},
        'UNAUTHENTICATED',
      );
    }
    const token = BEARER.exec(authorization)?.[1];
    if (!token)
      throw new GatewayError(401, 'the Authorization header is not "Bearer <token>"', {
        error: 'invalid_token',
      });
    const now = g.clock.now();
    const caller = await verify(token, now);
    const refusal = await g.revocations?.refusal(caller, now);
    if (refusal) throw new GatewayError(401, refusal, { error: 'invalid_token' });

    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'application/graphql-response+json') {
      throw new GatewayError(415, 'send the request as application/json');
    }
    const text = await c.req.text();
    const body = parseBody(text);
    const { op, invalid, needed } = analyse(body.query, body.operationName);
    if (invalid.length > 0) return c.json({ errors: invalid.map((message) => ({ message })) }, 400);
    const missing = needed.filter((s) => !caller.scopes.includes(s));
    if (missing.length > 0) {
      throw new GatewayError(403, `this operation needs ${missing.join(' ')}`, {
        error: 'insufficient_scope',
        scope: needed.join(' '),
      });
    }

    if ('upstream' in g.target) {
      return forwardToUpstream(g.target.upstream, text, caller, c.req.raw.headers, g.upstreamTimeoutMs);
    }
    const context: GatewayContext = { db: g.target.db, clock: g.clock, orgId: caller.orgId };
    const result = await execute({
      schema: g.target.schema,
      document: op.document,
      contextValue: context,
      variableValues: body.variables ?? null,
      operationName: body.operationName ?? null,
    });
    return c.json(result, 200);
  });
  return route;
}
