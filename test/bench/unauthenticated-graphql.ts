// The baseline for `npm run bench`'s gateway section: keymint's built-in GraphQL schema
// served with no authentication at all, on the same PostgreSQL database, for one fixed
// organisation. POST /graphql reads the body, analyses the document (parse, limits,
// validation, with the gateway's own cache of analysed documents) and executes it with
// graphql-js: the gateway's path with the bearer token and revocation checks taken
// out, so the ratio measures what authentication costs. The bench starts it as a child
// process on a loopback port:
//
//   BASELINE_PORT=… BASELINE_ORG_ID=org_… DATABASE_URL=postgres://… \
//     node --import tsx test/bench/unauthenticated-graphql.ts
//
// It prints "ready <url>" on stdout once listening and exits when its stdin closes
// (the bench died) or on SIGTERM/SIGINT.
import { serve } from '@hono/node-server';
import { execute } from 'graphql';
import { Hono } from 'hono';
import { openPostgres } from '../../src/db/postgres';
import { createBuiltinSchema, type GatewayContext } from '../../src/gateway/builtin-schema';
import { createDocumentAnalyser } from '../../src/gateway/document-analyser';
import { GatewayError } from '../../src/gateway/gateway-error';
import { parseRequestBody } from '../../src/gateway/request-body';
import { systemClock } from '../../src/lib/clock';

const port = Number(process.env.BASELINE_PORT);
const orgId = process.env.BASELINE_ORG_ID;
const databaseUrl = process.env.DATABASE_URL;
if (!Number.isInteger(port) || port <= 0 || !orgId || !databaseUrl?.startsWith('postgres')) {
  console.error(
    'unauthenticated-graphql: BASELINE_PORT, BASELINE_ORG_ID and a postgres:// DATABASE_URL are required',
  );
  process.exit(2);
}

const database = openPostgres(databaseUrl);
const schema = createBuiltinSchema();
const context: GatewayContext = { db: database.db, clock: systemClock, orgId };

const analyse = createDocumentAnalyser(schema);

const app = new Hono();
// keymint sends this header on every answer; so does the baseline, so that only
// authentication differs.
app.use('*', async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
});
app.onError((e, c) => {
  if (e instanceof GatewayError) return c.json({ errors: [{ message: e.message }] }, 400);
  throw e;
});
app.post('/graphql', async (c) => {
  const body = parseRequestBody(await c.req.text());
  const { op, invalid } = analyse(body.query, body.operationName);
  if (invalid.length > 0) return c.json({ errors: invalid.map((message) => ({ message })) }, 400);
  const result = await execute({
    schema,
    document: op.document,
    contextValue: context,
    variableValues: body.variables ?? null,
    operationName: body.operationName ?? null,
  });
  return c.json(result, 200);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`ready http://127.0.0.1:${port}\n`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close();
  void database.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
