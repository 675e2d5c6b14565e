import { randomBase62 } from './base62';

/** Prefixed random ids (`key_…`, `org_…`): readable in logs, unguessable, sortable by nothing. */
export const newId = (prefix: string): string => `${prefix}_${randomBase62(20)}`;
