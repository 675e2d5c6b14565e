import type { RequestMeta } from '../audit/actor';
import type { Deps } from '../deps';
import { mcpCaller } from './mcp-caller';
import { answerMcp } from './mcp-server';

export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
}

/**
 * The tools an access token would see at /mcp, asked of the real MCP server with a
 * real tools/list request (the console's connection test).
 */
export async function listToolsFor(deps: Deps, token: string, meta: RequestMeta): Promise<ListedTool[]> {
  const caller = await mcpCaller(deps, token, meta);
  const body = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
  const request = new Request(`${deps.config.issuerUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(body),
  });
  const res = await answerMcp(caller, deps.log, request, body);
  const answer = (await res.json()) as { result?: { tools: ListedTool[] } };
  return answer.result?.tools ?? [];
}
