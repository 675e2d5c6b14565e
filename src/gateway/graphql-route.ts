import { execute, type GraphQLSchema } from 'graphql';
import { type Context, Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import { BearerError, bearerToken } from '../auth/bearer';
import type { Db } from '../db/database';
import { answerWithin } from '../lib/answer-within';
import { limitBody } from '../lib/body-limit';
import type { Clock } from '../lib/clock';
import type { Log } from '../lib/log';
import type { GatewayContext } from './builtin-schema';
import { createDocumentAnalyser } from './document-analyser';
import { formatExecutionErrors, GatewayError, gatewayErrorResponse } from './gateway-error';
import { parseRequestBody } from './request-body';
import type { RevocationCache } from './revocation-cache';
import { type VerifiedCaller, verifyBearer } from './token-verifier';
import { forwardToUpstream, UPSTREAM_TIMEOUT_MS } from './upstream';
import { VerifiedCallers } from './verified-callers';

export interface GatewayOptions {
  issuer: string;
  audience: string;
  clock: Clock;
  getKey: JWTVerifyGetKey;
  /** Changes whenever a key `getKey` accepted is withdrawn (a retired signing key); remembered callers are then verified again. */
  keysEpoch?: (() => number) | undefined;
  /** Refuses tokens of revoked or disabled keys and revoked tokens; absent when there is no database. */
  revocations?: RevocationCache | undefined;
  /** Built-in schema and its database, or an upstream URL to forward to. */
  target: { schema: GraphQLSchema; db: Db } | { upstream: string };
  upstreamTimeoutMs?: number;
  log: Log;
}

/**
 * POST /graphql: RFC 6750 bearer check, then abuse limits, then scopes per root field,
 * then the built-in schema or the upstream. Nothing runs or leaves before all checks pass.
 */
export function createGraphqlRoute(g: GatewayOptions): Hono {
  const route = new Hono();
  const verified = new VerifiedCallers(g.keysEpoch);
  /** The caller of a well-formed bearer token, verified once and then remembered. */
  const authenticate = async (authorization: string | undefined, now: Date): Promise<VerifiedCaller> => {
    const known = authorization ? verified.get(authorization, now.getTime()) : undefined;
    if (known) return known;
    const token = bearerToken(authorization);
    const epoch = verified.epoch();
    const caller = await verifyBearer(token, g.getKey, { issuer: g.issuer, audience: g.audience, now });
    verified.set(authorization as string, caller, epoch);
    return caller;
  };
  const analyse = createDocumentAnalyser('schema' in g.target ? g.target.schema : undefined);
  const where = (c: Context) => ({ log: g.log, method: c.req.method, path: c.req.path });
  route.onError((e, c) => gatewayErrorResponse(e, { realm: g.issuer, ...where(c) }));
  // The built-in schema reads the database: a database that does not answer costs the
  // caller a bounded wait. Upstream calls have their own timeout.
  route.use(
    '/graphql',
    limitBody(),
    answerWithin('upstream' in g.target ? (g.upstreamTimeoutMs ?? UPSTREAM_TIMEOUT_MS) + 1000 : undefined),
  );
  route.post('/graphql', async (c) => {
    const now = g.clock.now();
    const caller = await authenticate(c.req.header('authorization'), now);
    const refusal = await g.revocations?.refusal(caller, now);
    if (refusal) throw new BearerError('invalid_token', refusal);

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
      throw new BearerError(
        'insufficient_scope',
        `this operation needs ${missing.join(' ')}`,
        needed.join(' '),
      );
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
    if (!result.errors) return c.json(result, 200);
    return c.json({ ...result, errors: formatExecutionErrors(result.errors, where(c)) }, 200);
  });
  return route;
}
