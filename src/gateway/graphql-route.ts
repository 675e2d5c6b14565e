import { execute, type GraphQLSchema } from 'graphql';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { Db } from '../db/database';
import type { Clock } from '../lib/clock';
import type { GatewayContext } from './builtin-schema';
import { createDocumentAnalyser } from './document-analyser';
import { GatewayError, gatewayErrorResponse } from './gateway-error';
import { parseRequestBody } from './request-body';
import type { RevocationCache } from './revocation-cache';
import { type VerifiedCaller, verifyBearer } from './token-verifier';
import { forwardToUpstream } from './upstream';
import { VerifiedCallers } from './verified-callers';

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

/**
 * POST /graphql: RFC 6750 bearer check, then abuse limits, then scopes per root field,
 * then the built-in schema or the upstream. Nothing runs or leaves before all checks pass.
 */
export function createGraphqlRoute(g: GatewayOptions): Hono {
  const route = new Hono();
  const verified = new VerifiedCallers();
  /** The caller of a well-formed bearer token, verified once and then remembered. */
  const authenticate = async (authorization: string | undefined, now: Date): Promise<VerifiedCaller> => {
    const known = authorization ? verified.get(authorization, now.getTime()) : undefined;
    if (known) return known;
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
    const caller = await verifyBearer(token, g.getKey, { issuer: g.issuer, audience: g.audience, now });
    verified.set(authorization, caller);
    return caller;
  };
  const analyse = createDocumentAnalyser('schema' in g.target ? g.target.schema : undefined);
  route.onError((e) => {
    if (e instanceof GatewayError) return gatewayErrorResponse(e, g.issuer);
    throw e;
  });
  route.post('/graphql', async (c) => {
    const now = g.clock.now();
    const caller = await authenticate(c.req.header('authorization'), now);
    const refusal = await g.revocations?.refusal(caller, now);
    if (refusal) throw new GatewayError(401, refusal, { error: 'invalid_token' });

    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'application/graphql-response+json') {
      throw new GatewayError(415, 'send the request as application/json');
    }
    const text = await c.req.text();
    const body = parseRequestBody(text);
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
