import type { FederationView } from '../federation/federation-view';
import { KEYMINT_ACTION } from './pages/ci-snippets';

/** A YAML double-quoted scalar: JSON's string syntax is valid YAML. */
const q = (s: string) => JSON.stringify(s);

/** The trigger that produces the pinned ref and event, so the first run matches the policy. */
function trigger(claims: Record<string, string>): string {
  const event = claims.event_name;
  if (event && event !== 'push' && /^[a-z_]+$/.test(event)) return `on:\n  ${event}:`;
  const ref = claims.ref ?? '';
  if (ref.startsWith('refs/heads/')) return `on:\n  push:\n    branches: [${q(ref.slice(11))}]`;
  if (ref.startsWith('refs/tags/')) return `on:\n  push:\n    tags: [${q(ref.slice(10))}]`;
  return 'on: push';
}

/** A step that uses the token, chosen by what the federation may do; the token goes on stdin. */
function useStep(issuer: string, orgSlug: string, scopes: readonly string[]): string {
  const header = `printf 'Authorization: Bearer %s\\n' "$KEYMINT_TOKEN" |`;
  let call: string;
  if (scopes.includes('read:subjects')) {
    call = `${header}
            curl -sS --fail-with-body -H @- -H 'Content-Type: application/json' \\
              -d '{"query": "{ subjects { id name } }"}' ${issuer}/graphql`;
  } else if (scopes.includes('read:keys')) {
    call = `${header}
            curl -sS --fail-with-body -H @- ${issuer}/api/v1/orgs/${orgSlug}/keys`;
  } else {
    call = './your-script.sh   # reads the token from $KEYMINT_TOKEN';
  }
  return `      - name: Use the token
        env:
          KEYMINT_TOKEN: \${{ steps.keymint.outputs.token }}
        # curl reads the header from its standard input: the token is never on a command line,
        # and a refused call fails the step (the pipeline's status is curl's).
        run: |
          ${call}`;
}

/**
 * The workflow to paste for a federation: a job allowed to ask GitHub for its ID token
 * (`permissions: id-token: write`), keymint's action exchanging it, a step using it.
 * Triggers and the environment follow the pinned claims.
 */
export function federationWorkflow(o: {
  federation: FederationView;
  issuerUrl: string;
  orgSlug: string;
  /** The concrete scopes its tokens carry (the grant expanded over the catalog). */
  scopes: readonly string[];
}): string {
  const { federation: f, issuerUrl } = o;
  const claims = f.claims;
  const workflowFile = claims.workflow_ref?.split('@')[0]?.split('/').slice(2).join('/');
  const notes = [
    `# ${workflowFile ?? '.github/workflows/keymint.yml'}${claims.repository ? ` in ${claims.repository}` : ''}`,
    ...(claims.job_workflow_ref
      ? [`# This federation pins job_workflow_ref: the job must run in ${claims.job_workflow_ref}.`]
      : []),
  ];
  const environment = claims.environment ? `    environment: ${q(claims.environment)}\n` : '';
  const audience = f.audience === issuerUrl ? '' : `\n          id-token-audience: ${q(f.audience)}`;
  return `${notes.join('\n')}
name: keymint
${trigger(claims)}
jobs:
  call-keymint:
    runs-on: ubuntu-latest
${environment}    permissions:
      id-token: write   # lets the job ask GitHub for its OIDC ID token; no secret is stored
      contents: read
    steps:
      - name: Get a keymint token
        id: keymint
        # keymint's action from the repository you run keymint from: replace <owner>
        uses: ${KEYMINT_ACTION}
        with:
          issuer: ${issuerUrl}
          client-id: ${f.clientId}
          scope: ${q(o.scopes.join(' '))}${audience}
${useStep(issuerUrl, o.orgSlug, o.scopes)}`;
}
