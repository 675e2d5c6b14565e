import { Hono } from 'hono';
import { requestMeta } from '../audit/request-meta';
import { BearerError, bearerChallenge, bearerToken } from '../auth/bearer';
import { asDomainError } from '../db/database-error';
import type { AppEnv } from '../deps';
import { answerWithin } from '../lib/answer-within';
import { limitBody } from '../lib/body-limit';
import { domainErrorHeaders } from '../lib/domain-error-headers';
import { DOMAIN_ERROR_STATUS } from '../lib/domain-error-status';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';
import { mcpCaller } from './mcp-caller';
import { answerMcp } from './mcp-server';
import { MCP_SCOPES } from './mcp-tools';
import { protectedResourceMetadataUrl } from './protected-resource-route';

/** A JSON-RPC error answered over HTTP, before or outside any one message. */
const rpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });

/**
 * POST /mcp: the Model Context Protocol over Streamable HTTP, stateless (every request
 * stands alone, so any instance answers it). Requests from a foreign Origin are
 * refused (DNS rebinding); the bearer check answers RFC 6750 challenges that point at
 * the protected-resource metadata (RFC 9728).
 */
export function createMcpRoute(): Hono<AppEnv> {
  const route = new Hono<AppEnv>();
  route.onError((err, c) => {
    const deps = c.var.deps;
    if (err instanceof BearerError) {
      const challenge = bearerChallenge(deps.config.issuerUrl, err, {
        resourceMetadata: protectedResourceMetadataUrl(deps.config),
        scope: MCP_SCOPES.join(' '),
      });
      return rpcError(err.status, -32001, err.description, { 'WWW-Authenticate': challenge });
    }
    const known = asDomainError(err);
    if (known)
      return rpcError(DOMAIN_ERROR_STATUS[known.code], -32000, known.detail, domainErrorHeaders(known));
    const id = reportUnexpected(deps.log, err, { method: c.req.method, path: c.req.path });
    return rpcError(500, -32603, internalErrorMessage(id));
  });
  route.use('/mcp', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.var.deps.config.issuerUrl).origin) {
      return rpcError(403, -32000, `requests from origin ${origin.slice(0, 100)} are not allowed`);
    }
    return next();
  });
  route.use('/mcp', limitBody(), answerWithin());
  route.post('/mcp', async (c) => {
    const caller = await mcpCaller(c.var.deps, bearerToken(c.req.header('authorization')), requestMeta(c));
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return rpcError(400, -32700, 'the body is not valid JSON');
    }
    return answerMcp(caller, c.var.deps.log, c.req.raw, body);
  });
  // Stateless: no session to stream on or to end.
  route.on(['GET', 'DELETE'], '/mcp', () =>
    rpcError(405, -32000, 'this MCP server is stateless: send requests with POST', { Allow: 'POST' }),
  );
  return route;
}
