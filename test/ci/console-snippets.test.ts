import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { startTestServer } from '../helpers/listening-server';
import { ACTION_DIR, runStep, type ShellRun, which } from './run-action';

// The snippets the console shows, taken from the rendered pages as a user copies them,
// and run as a CI job would: under `bash -e` without pipefail (GitHub's default) and
// `sh -e`, with only bash and a recording curl on PATH, against a listening keymint.
let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: ConsoleUser;
let org: { id: string; slug: string };
let key: { clientId: string; secret: string };

beforeAll(async () => {
  server = await startTestServer({ BCRYPT_COST: '4' });
  org = await server.newOrg('snippets');
  admin = await consoleUser(server, org.id, 'admin@snippets.example');
  key = await server.newKey(org.id, { scopes: ['read:subjects'] });
});
afterAll(() => server?.close());

/** A textarea's text as the browser shows it (and its Copy button copies it). */
function textarea(html: string, id: string): string {
  const m = new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`).exec(html);
  if (!m) throw new Error(`no textarea #${id}`);
  const text = (m[1] as string)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  // A copy button copies the same element's value.
  expect(html).toContain(`data-copy="${id}"`);
  return text;
}

const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
const shells = [
  ['bash -e', which('bash')],
  ['sh -e', which('sh')],
] as const;

function expectNoSecretInArgv(run: ShellRun, ...values: string[]): void {
  expect(run.curlArgv.length).toBeGreaterThan(0);
  for (const v of values) expect(run.curlArgv.flat().join('\n')).not.toContain(v);
}

describe('the Integrate page', () => {
  let html: string;
  beforeAll(async () => {
    const res = await admin.get(`/console/orgs/${org.slug}/integrate`);
    expect(res.status).toBe(200);
    html = await res.text();
  });

  it.each(shells)(
    'its curl snippet gets a token under %s, and stops with keymint’s error on a wrong secret',
    async (_, shell) => {
      const snippet = textarea(html, 'integrate-curl');
      const script = `${snippet}\nprintf 'TOKEN %s\\n' "$token"\n`;
      const ok = await runStep(
        script,
        { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: key.secret },
        { shell },
      );
      expect(ok.code).toBe(0);
      const token = /^TOKEN (.*)$/m.exec(ok.log)?.[1] as string;
      expect(token).toMatch(JWT);
      expectNoSecretInArgv(ok, key.secret, token);

      const wrong = await runStep(
        script,
        { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: generateSecret() },
        { shell },
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.log).toMatch(/keymint refused: .*"error":"invalid_client"/);
      expect(wrong.log).not.toContain('TOKEN');

      const unreachable = await runStep(
        script.replaceAll(server.url, 'http://127.0.0.1:9'),
        { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: key.secret },
        { shell },
      );
      expect(unreachable.code).not.toBe(0);
      expect(unreachable.log).not.toContain('TOKEN');
    },
  );

  it('its GitHub Actions step sets a masked token output, and fails the step on a wrong secret', async () => {
    const step = textarea(html, 'integrate-actions');
    const run = /\n {2}run: \|\n([\s\S]*)$/.exec(step)?.[1] as string;
    const script = run.replace(/^ {4}/gm, '');
    expect(step).toMatch(/KEYMINT_CLIENT_SECRET: \$\{\{ secrets\.KEYMINT_CLIENT_SECRET \}\}/);

    const ok = await runStep(script, { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: key.secret });
    expect(ok.code).toBe(0);
    const token = ok.outputs.token as string;
    expect(token).toMatch(JWT);
    expect(ok.log.split('\n').filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`]);
    expectNoSecretInArgv(ok, key.secret, token);

    const wrong = await runStep(script, {
      KEYMINT_CLIENT_ID: key.clientId,
      KEYMINT_CLIENT_SECRET: generateSecret(),
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.log).toMatch(/invalid_client/);
    expect(wrong.outputs).toEqual({});
  });

  it('its workflow uses keymint’s action with inputs the action declares, in both modes', () => {
    const workflow = textarea(html, 'integrate-workflow');
    expect(workflow).toMatch(/uses: \S+\/\.github\/actions\/keymint-token@\S+/);
    expect(workflow).toContain('id-token: write');
    const declared = readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8');
    for (const [, input] of workflow.matchAll(/^\s+#? ?([\w-]+): /gm)) {
      if (['issuer', 'client-id', 'client-secret', 'scope'].includes(input as string))
        expect(declared).toContain(`\n  ${input}:\n`);
    }
    expect(workflow).toMatch(/# client-secret: \$\{\{ secrets\.KEYMINT_CLIENT_SECRET \}\}/);
    // The token reaches the next step through env, then curl's stdin.
    expect(workflow).toMatch(/TOKEN: \$\{\{ steps\.keymint\.outputs\.token \}\}/);
    expect(workflow).toContain(`printf 'Authorization: Bearer %s\\n' "$TOKEN" |`);
  });

  it('puts no secret or token on a command line in any snippet', () => {
    for (const id of ['integrate-curl', 'integrate-actions', 'integrate-workflow', 'integrate-graphql']) {
      const text = textarea(html, id);
      expect(text).not.toMatch(/\s-u\s|--user\b|jq\b/);
      expect(text).not.toMatch(/-H "Authorization: Bearer \$/);
    }
  });
});

describe('the key reveal', () => {
  it('shows a snippet without the secret that gets a token with it, and stops on a wrong one', async () => {
    const created = await admin.post(`/console/orgs/${org.slug}/keys`, {
      name: 'revealed',
      scopes: ['read:subjects'],
      expiresIn: '30d',
    });
    expect(created.status).toBe(303);
    const html = await (await admin.get(created.headers.get('location') as string)).text();
    const secret = /kms_[0-9A-Za-z]{49}/.exec(html)?.[0] as string;
    const clientId = /km_[0-9A-Za-z]{22}/.exec(html)?.[0] as string;
    const snippet = textarea(html, 'reveal-curl');
    expect(snippet).not.toContain(secret);
    expect(snippet).toContain(clientId);
    const script = `${snippet}\nprintf 'TOKEN %s\\n' "$token"\n`;

    const ok = await runStep(script, { KEYMINT_CLIENT_SECRET: secret });
    expect(ok.code).toBe(0);
    const token = /^TOKEN (.*)$/m.exec(ok.log)?.[1] as string;
    expect(token).toMatch(JWT);
    expect(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())).toMatchObject({
      client_id: clientId,
      scope: 'read:subjects',
    });
    expectNoSecretInArgv(ok, secret, token);

    const wrong = await runStep(script, { KEYMINT_CLIENT_SECRET: generateSecret() });
    expect(wrong.code).not.toBe(0);
    expect(wrong.log).toMatch(/keymint refused: .*invalid_client/);
    const missing = await runStep(script, {});
    expect(missing.code).not.toBe(0);
    expect(missing.log).not.toContain('TOKEN');
  });
});
