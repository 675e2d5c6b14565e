/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../../api-keys/key-fields';
import { GITHUB_ISSUER } from '../../federation/github-issuer';
import { NAME_MAX } from '../../lib/display-name';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

/** The form's fields, as typed (kept when the server refuses them). */
export type FederationFormValues = Record<string, string | string[]>;

/** Optional pins: the claim, its label, an example, what pinning it means. */
const OPTIONAL_PINS = [
  ['ref', 'Branch or tag (ref)', 'refs/heads/main', 'only runs on this branch or tag (the full ref)'],
  ['environment', 'Environment', 'production', 'only jobs that run in this GitHub environment'],
  [
    'workflow_ref',
    'Workflow (workflow_ref)',
    'acme/api/.github/workflows/deploy.yml@refs/heads/main',
    'only this workflow file, at this ref',
  ],
  [
    'job_workflow_ref',
    'Reusable workflow (job_workflow_ref)',
    'acme/shared/.github/workflows/release.yml@refs/heads/main',
    'only jobs that run in this reusable workflow',
  ],
  ['event_name', 'Event (event_name)', 'push', 'only runs started by this event'],
] as const;

const SUBJECT_EXAMPLES = [
  ['repo:acme/api:ref:refs/heads/main', 'pushes to main'],
  ['repo:acme/api:ref:refs/tags/v*', 'tags starting with v'],
  ['repo:acme/api:environment:production', 'jobs in the production environment'],
  ['repo:acme/api:pull_request', 'pull requests'],
] as const;

/** Creating a federation, with what each value is and where to find it. */
export function FederationFormPage(props: {
  chrome: Chrome;
  issuers: readonly string[];
  catalog: readonly string[];
  error?: string | undefined;
  values?: FederationFormValues | undefined;
}) {
  const v = props.values ?? {};
  const val = (name: string) => String(v[name] ?? '');
  const chosen = Array.isArray(v.scopes) ? v.scopes : v.scopes ? [v.scopes] : [];
  const issuer = val('issuer') || (props.issuers.includes(GITHUB_ISSUER) ? GITHUB_ISSUER : props.issuers[0]);
  const base = `/console/orgs/${props.chrome.org?.slug}/federations`;
  return (
    <Layout
      chrome={props.chrome}
      title="Create federation"
      back={{ href: base, label: 'Federations' }}
      narrow
    >
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="post" action={base} class="card">
        <Csrf token={props.chrome.csrf ?? ''} />
        <label for="fed-name">Name</label>
        <input
          id="fed-name"
          name="name"
          type="text"
          required
          maxlength={NAME_MAX}
          value={val('name')}
          aria-describedby="fed-name-help"
        />
        <p id="fed-name-help" class="help">
          For people: what runs with it, e.g. “api deploys”.
        </p>
        <label for="fed-issuer">Issuer</label>
        <select id="fed-issuer" name="issuer" aria-describedby="fed-issuer-help">
          {props.issuers.map((i) => (
            <option value={i} selected={i === issuer}>
              {i === GITHUB_ISSUER ? `GitHub Actions (${i})` : i}
            </option>
          ))}
        </select>
        <p id="fed-issuer-help" class="help">
          Who signs the ID tokens: the issuers this server trusts (FEDERATION_ISSUERS).
        </p>
        <fieldset aria-describedby="fed-repo-help">
          <legend>Repository</legend>
          <div id="fed-repo-help" class="help">
            <p>
              GitHub identifies a repository for good by numeric ids: a name can be deleted and taken by
              someone else, an id never comes back. To find them, open{' '}
              <code>https://api.github.com/repos/OWNER/REPO</code> (OWNER/REPO being your repository) and copy{' '}
              <code>id</code> and <code>owner.id</code>, or run{' '}
              <code>gh api repos/OWNER/REPO --jq .id,.owner.id</code>.
            </p>
          </div>
          <label for="fed-repository">Repository (owner/name)</label>
          <input
            id="fed-repository"
            name="repository"
            type="text"
            placeholder="acme/api"
            value={val('repository')}
            aria-describedby="fed-repository-help"
          />
          <p id="fed-repository-help" class="help">
            Pinned too, and shown for people; if you rename the repository, update it here.
          </p>
          <label for="fed-repository-id">Repository ID</label>
          <input
            id="fed-repository-id"
            name="repository_id"
            type="text"
            inputmode="numeric"
            placeholder="123456789"
            value={val('repository_id')}
          />
          <label for="fed-owner-id">Repository owner ID</label>
          <input
            id="fed-owner-id"
            name="repository_owner_id"
            type="text"
            inputmode="numeric"
            placeholder="987654"
            value={val('repository_owner_id')}
          />
        </fieldset>
        <fieldset>
          <legend>Optional pins (each must match exactly)</legend>
          {OPTIONAL_PINS.map(([name, label, example, meaning]) => (
            <>
              <label for={`fed-${name}`}>{label}</label>
              <input
                id={`fed-${name}`}
                name={name}
                type="text"
                placeholder={example}
                value={val(name)}
                aria-describedby={`fed-${name}-help`}
              />
              <p id={`fed-${name}-help`} class="help">
                {`Leave empty for any; set it for ${meaning}.`}
              </p>
            </>
          ))}
        </fieldset>
        <label for="fed-subject">Subject pattern (optional)</label>
        <input
          id="fed-subject"
          name="subject"
          type="text"
          value={val('subject')}
          placeholder="repo:acme/api:ref:refs/heads/main"
          aria-describedby="fed-subject-help"
        />
        <div id="fed-subject-help" class="help">
          <p>
            The ID token’s <code>sub</code>, part by part (parts are separated by <code>:</code>);{' '}
            <code>*</code> matches anything within one part. Empty accepts any subject, the pins deciding.
            Examples:
          </p>
          <ul>
            {SUBJECT_EXAMPLES.map(([pattern, meaning]) => (
              <li>
                <code>{pattern}</code> — {meaning}
              </li>
            ))}
          </ul>
        </div>
        <fieldset>
          <legend>Scopes</legend>
          <div class="checks">
            {props.catalog.map((s) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={s} checked={chosen.includes(s)} />
                <span class="mono">{s}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label for="fed-ttl">
          Token lifetime in seconds ({MIN_TOKEN_TTL}–{MAX_TOKEN_TTL}; empty for the default)
        </label>
        <input
          id="fed-ttl"
          name="tokenTtlSeconds"
          type="number"
          min={MIN_TOKEN_TTL}
          max={MAX_TOKEN_TTL}
          value={val('tokenTtlSeconds')}
        />
        <div class="dialog-actions">
          <a class="button" href={base}>
            Cancel
          </a>
          <button type="submit" class="primary">
            Create
          </button>
        </div>
      </form>
    </Layout>
  );
}
