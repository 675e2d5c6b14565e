import { type GraphQLSchema, validate } from 'graphql';
import { BoundedCache } from '../lib/bounded-cache';
import { type AnalysedOperation, analyseDocument, DEFAULT_LIMITS } from './document-rules';
import { requiredScopes } from './required-scopes';

export interface AnalysedDocument {
  op: AnalysedOperation;
  /** Validation errors against the built-in schema (none upstream: it validates itself). */
  invalid: string[];
  /** The scopes the operation needs. */
  needed: string[];
}

/** Documents longer than this are analysed every time rather than cached. */
const CACHEABLE_CHARS = 8192;

/**
 * Parses, limits, validates and derives the needed scopes of a document, remembering
 * the result: the same document is the same analysis next time.
 */
export function createDocumentAnalyser(
  schema: GraphQLSchema | undefined,
): (query: string, operationName: string | undefined) => AnalysedDocument {
  const analysed = new BoundedCache<AnalysedDocument>(500);
  return (query, operationName) => {
    const key = `${operationName ?? ''}\u0000${query}`;
    const hit = analysed.get(key);
    if (hit) return hit;
    const op = analyseDocument(query, operationName, DEFAULT_LIMITS);
    const invalid = schema ? validate(schema, op.document).map((e) => e.message) : [];
    const entry = { op, invalid, needed: invalid.length ? [] : requiredScopes(op, schema) };
    if (query.length <= CACHEABLE_CHARS) analysed.set(key, entry);
    return entry;
  };
}
