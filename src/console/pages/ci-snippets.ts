/**
 * The CI snippets the console shows. Each one fails closed under GitHub's default shell
 * (`bash -e`, no pipefail) and under `sh -e`: a refused or unreachable /token stops the
 * script with keymint's answer instead of carrying on with an empty token. No secret or
 * token goes on a command line, where other processes on the machine could read it.
 */

/**
 * keymint's composite action, from the repository keymint is run from, pinned to a
 * commit. OWNER and the commit are left for the user to fill in on purpose: a guessed
 * owner could be somebody else's repository, and a placeholder fails the workflow
 * instead of running foreign code.
 */
export const KEYMINT_ACTION = '<owner>/keymint/.github/actions/keymint-token@<commit-sha>';

/**
 * Plain shell leaving the access token in `$token`. `clientId` inlines a (public) client
 * id; without it, KEYMINT_CLIENT_ID is read like the secret. Without `scope` the token
 * carries every scope the key grants.
 */
export function shellTokenSnippet(o: { tokenUrl: string; scope?: string; clientId?: string }): string {
  const id = o.clientId ? `'${o.clientId}'` : '"$KEYMINT_CLIENT_ID"';
  const scope = o.scope ? ` -d scope=${o.scope}` : '';
  return `# KEYMINT_CLIENT_SECRET comes from your CI's secret store. printf is a shell builtin,
# so the secret reaches curl on its standard input (--config -), never on a command line.
resp=$(printf 'user = "%s:%s"\\n' ${id} "$KEYMINT_CLIENT_SECRET" |
  curl -sS --config - -d grant_type=client_credentials${scope} ${o.tokenUrl}) ||
  { echo "keymint: cannot reach ${o.tokenUrl}" >&2; exit 1; }
# No token in the answer (a wrong secret, a scope not granted): stop, showing keymint's error.
case $resp in
  *'"access_token":"'*) token=\${resp#*'"access_token":"'}; token=\${token%%'"'*} ;;
  *) echo "keymint refused: $resp" >&2; exit 1 ;;
esac`;
}

/** A GitHub Actions step with bash and curl only: the shell above, masked, as output `token`. */
export function actionsRunStep(o: { tokenUrl: string; scope: string }): string {
  const script = `${shellTokenSnippet(o)}
echo "::add-mask::$token"
echo "token=$token" >> "$GITHUB_OUTPUT"`;
  return `- name: Get a keymint token
  id: keymint
  env:
    KEYMINT_CLIENT_ID: \${{ vars.KEYMINT_CLIENT_ID }}
    KEYMINT_CLIENT_SECRET: \${{ secrets.KEYMINT_CLIENT_SECRET }}
  run: |
${indent(script, 4)}`;
}

/** keymint's action in a workflow: secretless through a federation, or with a key's secret. */
export function actionsWorkflow(o: { issuer: string; scope: string }): string {
  return `# Secretless: a federation trusts this repository's jobs (create one in the console or
# with \`keymint federation create\`); the job asks GitHub for its OIDC ID token.
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - name: Get a keymint token
        id: keymint
        # keymint's action, from the repository you run keymint from; pin a commit.
        uses: ${KEYMINT_ACTION}
        with:
          issuer: ${o.issuer}
          client-id: \${{ vars.KEYMINT_FEDERATION_ID }}   # the federation's kmf_… id
          scope: ${o.scope}
          # With a key's secret instead (then no id-token permission is needed):
          # client-id: \${{ vars.KEYMINT_CLIENT_ID }}
          # client-secret: \${{ secrets.KEYMINT_CLIENT_SECRET }}
      - name: Use the token
        env:
          TOKEN: \${{ steps.keymint.outputs.token }}
        run: |
${indent(bearerCall(o.issuer), 10)}`;
}

/** A call with the token in $TOKEN, passed as a header on curl's standard input. */
export function bearerCall(issuer: string): string {
  return `printf 'Authorization: Bearer %s\\n' "$TOKEN" |
  curl -sS --fail-with-body -H @- -H 'Content-Type: application/json' \\
    -d '{"query": "{ subjects { id name } }"}' ${issuer}/graphql`;
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');
}
