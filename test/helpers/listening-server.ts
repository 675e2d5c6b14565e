import { serve } from '@hono/node-server';
import { createApp } from '../../src/app';
import { freePort } from './free-port';
import { createTestApp, type TestApp } from './test-app';

/** A test app served over real HTTP on 127.0.0.1, its issuer URL being its own address. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestApp & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ISSUER_URL: url, ...env });
  const server = serve({ fetch: createApp(t.deps).fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    ...t,
    url,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await t.close();
    },
  };
}
