import { GatewayError } from './gateway-error';

export interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** A GraphQL-over-HTTP JSON body, with a clear 400 for each way it can be wrong. */
export function parseRequestBody(text: string): GraphqlRequestBody {
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
