import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { MAX_BODY_BYTES } from '../lib/body-limit';
import { GatewayError } from './gateway-error';

export interface DocumentLimits {
  maxDepth: number;
  maxFields: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: DocumentLimits = { maxDepth: 10, maxFields: 100, maxBytes: MAX_BODY_BYTES };

export interface AnalysedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  kind: 'query' | 'mutation';
  /** Root field names, through fragments; introspection fields left out. */
  rootFields: string[];
}

const refuse = (message: string) => new GatewayError(400, message);

/**
 * Parses a document and applies the abuse limits to the operation that would run:
 * size, depth (root fields are depth 1) and the number of fields and aliases, with
 * fragments expanded wherever they are spread. Nothing has executed yet.
 */
export function analyseDocument(
  query: string,
  operationName: string | undefined,
  limits = DEFAULT_LIMITS,
): AnalysedOperation {
  if (new TextEncoder().encode(query).length > limits.maxBytes) {
    throw refuse(`the document exceeds ${Math.round(limits.maxBytes / 1024)} KiB`);
  }
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: 20_000 });
  } catch (e) {
    throw refuse(e instanceof GraphQLError ? e.message : 'the document does not parse');
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  let operation: OperationDefinitionNode | undefined;
  if (operationName) {
    operation = operations.find((o) => o.name?.value === operationName);
    if (!operation) throw refuse(`no operation named "${operationName}" in the document`);
  } else if (operations.length === 1) {
    operation = operations[0];
  } else {
    throw refuse(
      operations.length === 0
        ? 'the document has no operation'
        : 'several operations: say which with operationName',
    );
  }
  if (!operation) throw refuse('the document has no operation');
  if (operation.operation === 'subscription') throw refuse('subscriptions are not served here');

  let fields = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let deepest = depth - 1;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        fields++;
        if (fields > limits.maxFields)
          throw refuse(`the operation selects more than ${limits.maxFields} fields and aliases`);
        if (depth > limits.maxDepth) throw refuse(`the operation is deeper than ${limits.maxDepth} levels`);
        deepest = Math.max(deepest, sel.selectionSet ? walk(sel.selectionSet, depth + 1, seen) : depth);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(sel.selectionSet, depth, seen));
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw refuse(`unknown fragment "${name}"`);
        if (seen.has(name)) throw refuse(`fragment "${name}" spreads itself`);
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth, new Set([...seen, name])));
      }
    }
    return deepest;
  };
  walk(operation.selectionSet, 1, new Set());

  const rootFields = new Set<string>();
  const collect = (set: SelectionSetNode, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.name.value.startsWith('__')) rootFields.add(sel.name.value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, seen);
      else if (!seen.has(sel.name.value)) {
        const f = fragments.get(sel.name.value);
        if (f) collect(f.selectionSet, new Set([...seen, sel.name.value]));
      }
    }
  };
  collect(operation.selectionSet, new Set());
  return { document, operation, kind: operation.operation, rootFields: [...rootFields] };
}
