import { execute, type GraphQLSchema, validate } from 'graphql';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { Db } from '../db/database';
import type { Clock } from '../lib/clock';
import type { GatewayContext } from './builtin-schema';
import { analyseDocument, DEFAULT_LIMITS } from './document-rules';
import { GatewayError, gatewayErrorResponse } from './gateway-error';
import { requiredScopes } from './required-scopes';
import type { RevocationCache } from './revocation-cache';
import { verifyBearer } from './token-verifier';
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
    const caller = await verifyBearer(token, g.getKey, { issuer: g.issuer, audience: g.audience, now });
    const refusal = await g.revocations?.refusal(caller, now);
    if (refusal) throw new GatewayError(401, refusal, { error: 'invalid_token' });

    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'application/graphql-response+json') {
      throw new GatewayError(415, 'send the request as application/json');
    }
    const text = new TextDecoder().decode(await c.req.arrayBuffer());
    const body = parseBody(text);
    const op = analyseDocument(body.query, body.operationName, DEFAULT_LIMITS);

    const schema = 'schema' in g.target ? g.target.schema : undefined;
    if (schema) {
      const errors = validate(schema, op.document);
      if (errors.length > 0) return c.json({ errors: errors.map((e) => ({ message: e.message })) }, 400);
    }
    const needed = requiredScopes(op, schema);
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
