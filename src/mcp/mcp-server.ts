import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { asDomainError } from '../db/database-error';
import type { Log } from '../lib/log';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';
import { MCP_TOOLS, type McpCaller, type McpTool } from './mcp-tools';

export const MCP_SERVER_INFO = { name: 'keymint', version: '1' } as const;

/**
 * A tool's answer: the management API's JSON as structured content (and as text for
 * clients that read only text). A refusal by the rules is a result with `isError` and
 * the problem's detail; anything unexpected is logged and named by its request id.
 */
async function call(
  tool: McpTool,
  caller: McpCaller,
  args: Record<string, unknown>,
  log: Log,
): Promise<CallToolResult> {
  try {
    const value = await tool.run(caller, args);
    return { structuredContent: value, content: [{ type: 'text', text: JSON.stringify(value) }] };
  } catch (e) {
    const refusal = asDomainError(e);
    const text = refusal
      ? `${refusal.code}: ${refusal.detail}`
      : internalErrorMessage(reportUnexpected(log, e, { method: 'tools/call', path: `/mcp ${tool.name}` }));
    return { isError: true, content: [{ type: 'text', text }] };
  }
}

/**
 * The MCP server one request talks to: only the tools the caller's token scopes allow
 * exist on it. Built per request (stateless Streamable HTTP), so any instance can
 * answer any request and nothing outlives it.
 */
export function mcpServerFor(caller: McpCaller, log: Log): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      'Manage this organisation’s keymint API keys. A new secret appears once, in the result of create_key or rotate_key.',
  });
  for (const tool of MCP_TOOLS) {
    if (tool.scope && !caller.scopes.includes(tool.scope)) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
      },
      (args: Record<string, unknown>) => call(tool, caller, args, log),
    );
  }
  return server;
}

/**
 * Answers one MCP request (already parsed) for `caller`, statelessly: a server with the
 * caller's tools and a transport made for this request alone, answering JSON.
 */
export async function answerMcp(
  caller: McpCaller,
  log: Log,
  request: Request,
  body: unknown,
): Promise<Response> {
  const server = mcpServerFor(caller, log);
  // No session id generator: stateless mode. JSON answers: no stream is needed.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  return transport.handleRequest(request, { parsedBody: body });
}
