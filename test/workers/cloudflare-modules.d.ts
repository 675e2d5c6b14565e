// The few runtime modules the workerd tests import, typed by hand: the full
// @cloudflare/workers-types would redefine Request/Response over the DOM lib the rest
// of the project type-checks against.

declare module 'cloudflare:workers' {
  /** The Worker's bindings (vars and secrets) in this test run. */
  export const env: Record<string, unknown>;
  /** The `main` module's exports, called as the runtime would call them. */
  export const exports: {
    default: {
      fetch(request: Request): Promise<Response>;
    };
  };
}

declare module 'cloudflare:test' {
  import type { ExecutionContext } from 'hono';
  export function createExecutionContext(): ExecutionContext;
  export function createScheduledController(options?: { cron?: string; scheduledTime?: Date | number }): {
    readonly cron: string;
    readonly scheduledTime: number;
  };
  /** Waits for everything the handler passed to ctx.waitUntil(). */
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
}
