import type { GraphQLSchema } from 'graphql';
import { RESOURCE_EXTENSION } from './builtin-schema';
import type { AnalysedOperation } from './document-rules';

/**
 * The scopes an operation needs: `read:<resource>` per root field of a query,
 * `write:<resource>` per root field of a mutation. The built-in schema declares each
 * field's resource; upstream (no schema here) the field's name is the resource.
 */
export function requiredScopes(op: AnalysedOperation, schema?: GraphQLSchema): string[] {
  const action = op.kind === 'query' ? 'read' : 'write';
  const rootType = schema
    ? op.kind === 'query'
      ? schema.getQueryType()
      : schema.getMutationType()
    : undefined;
  const scopes = new Set<string>();
  for (const field of op.rootFields) {
    const declared = rootType?.getFields()[field]?.extensions?.[RESOURCE_EXTENSION];
    scopes.add(`${action}:${typeof declared === 'string' ? declared : field}`);
  }
  return [...scopes].sort();
}
