import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { shellTokenSnippet } from '../../src/console/pages/ci-snippets';
import { startTestServer } from '../helpers/listening-server';
import { ACTION_DIR, runStep, which } from './run-action';

// The README's CI section as a reader copies it: the plain-shell snippet runs (against a
// listening keymint instead of keymint.example.com) and fails closed; the workflows use
// only inputs the action declares; no CI-shaped snippet puts a secret on a command line.
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const section = README.slice(
  README.indexOf('## GitHub Actions and other CI'),
  README.indexOf('\n## ', README.indexOf('## GitHub Actions and other CI') + 1),
);
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] as string);

let server: Awaited<ReturnType<typeof startTestServer>>;
let key: { clientId: string; secret: string };
beforeAll(async () => {
  server = await startTestServer();
  key = await server.newKey((await server.newOrg()).id, { scopes: ['read:subjects'] });
});
afterAll(() => server?.close());

describe('README: GitHub Actions and other CI', () => {
  const shell = blocks('sh').find((b) => b.includes('grant_type=client_credentials')) as string;

  it('shows the same plain-shell snippet as the console', () => {
    expect(shell.trimEnd()).toBe(
      shellTokenSnippet({ tokenUrl: 'https://keymint.example.com/token', scope: 'read:subjects' }),
    );
  });

  it.each([which('bash'), which('sh')])('its plain-shell snippet fails closed under %s -e', async (sh) => {
    const script = `${shell.replaceAll('https://keymint.example.com', server.url)}printf 'TOKEN %s\\n' "$token"\n`;
    const ok = await runStep(
      script,
      { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: key.secret },
      { shell: sh },
    );
    expect(ok.code).toBe(0);
    expect(ok.log).toMatch(/^TOKEN eyJ[\w-]+\.[\w-]+\.[\w-]+$/m);
    expect(ok.curlArgv.flat().join(' ')).not.toContain(key.secret);
    const wrong = await runStep(
      script,
      { KEYMINT_CLIENT_ID: key.clientId, KEYMINT_CLIENT_SECRET: generateSecret() },
      { shell: sh },
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.log).toMatch(/keymint refused: .*invalid_client/);
    expect(wrong.log).not.toContain('TOKEN');
  });

  it('its workflows use the action with declared inputs, both with and without a secret', () => {
    const yaml = blocks('yaml');
    const action = readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8');
    const uses = yaml.filter((b) => b.includes('/.github/actions/keymint-token@'));
    expect(uses).toHaveLength(2);
    expect(uses.filter((b) => /client-secret: \$\{\{ secrets\./.test(b))).toHaveLength(1);
    expect(uses.filter((b) => b.includes('id-token: write') && !b.includes('client-secret'))).toHaveLength(1);
    for (const b of uses) {
      // The lines under `with:`, up to the next line indented less.
      const [, indent, withBlock] = /^( *)with:\n((?:\1 {2}.*\n)+)/m.exec(b) ?? [];
      const inputs = [...(withBlock ?? '').matchAll(new RegExp(`^${indent} {2}([\\w-]+): `, 'gm'))].map(
        (m) => m[1],
      );
      expect(inputs).toEqual(expect.arrayContaining(['issuer', 'client-id', 'scope']));
      for (const input of inputs) expect(action).toContain(`\n  ${input}:\n`);
    }
  });

  it('puts no secret or token on a command line in any CI snippet', () => {
    for (const b of [...blocks('yaml'), ...blocks('sh')]) {
      expect(b).not.toMatch(/\s-u\s|--user\b|\bjq\b|Authorization: Bearer \$/);
    }
  });
});
