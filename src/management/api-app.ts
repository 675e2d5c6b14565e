import { OpenAPIHono } from '@hono/zod-openapi';
import { type FieldError, fieldsError } from '../lib/domain-error';
import type { ApiEnv } from './caller';

export type ApiApp = OpenAPIHono<ApiEnv>;

/** Every route's zod failures become one validation problem with per-field messages. */
export function createApiApp(): ApiApp {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const fields: FieldError[] = result.error.issues.flatMap((issue) => {
        const base = issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '');
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((k) => ({
            field: base ? `${base}.${k}` : k,
            message: 'is not a known field',
          }));
        }
        return [
          { field: base || (result.target === 'json' ? 'body' : result.target), message: issue.message },
        ];
      });
      throw fieldsError(fields);
    },
  });
}
