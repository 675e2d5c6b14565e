import { Hono } from 'hono';
import type { Config } from '../config';
import type { AppEnv } from '../deps';
import { MCP_SCOPES } from './mcp-tools';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** Where clients learn how to get a token for /mcp (RFC 9728). */
export const protectedResourceMetadataUrl = (config: Config): string =>
  `${config.issuerUrl}${PROTECTED_RESOURCE_PATH}`;

/**
 * RFC 9728 protected-resource metadata, at the well-known path and at its /mcp suffix
 * (where 2025-11-25 clients look first): the resource is API_AUDIENCE, its authorization
 * server this issuer.
 */
export const protectedResourceRoute = new Hono<AppEnv>();
for (const path of [PROTECTED_RESOURCE_PATH, `${PROTECTED_RESOURCE_PATH}/mcp`]) {
  protectedResourceRoute.get(path, (c) => {
    const { config } = c.var.deps;
    return c.json(
      {
        resource: config.apiAudience,
        authorization_servers: [config.issuerUrl],
        scopes_supported: MCP_SCOPES,
        bearer_methods_supported: ['header'],
        resource_name: 'keymint MCP',
      },
      200,
      { 'Cache-Control': 'public, max-age=3600' },
    );
  });
}
