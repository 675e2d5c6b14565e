/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { MemberOrg } from '../auth/sign-in';

export interface Chrome {
  nonce: string;
  assets: { css: string; js: string };
  csrf?: string | undefined;
  email?: string | undefined;
  orgs?: MemberOrg[];
  org?: MemberOrg | undefined;
  active?: 'keys' | 'federations' | 'usage' | 'audit' | 'integrate';
}

const NAV = [
  ['keys', 'Keys', 'keys'],
  ['federations', 'Federations', 'federations'],
  ['usage', 'Usage', 'usage'],
  ['audit', 'Audit log', 'audit'],
  ['integrate', 'Integrate', 'integrate'],
] as const;

/** The page frame: navigation, organisation switcher, sign-out, and the CSRF meta tag. */
export function Layout(props: { chrome: Chrome; title: string; children?: Child }) {
  const { chrome } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {chrome.csrf ? <meta name="csrf-token" content={chrome.csrf} /> : null}
        <title>{`${props.title} · keymint`}</title>
        <link rel="stylesheet" href={`/console/assets/console.css?v=${chrome.assets.css}`} />
        <script src={`/console/assets/console.js?v=${chrome.assets.js}`} nonce={chrome.nonce} defer />
      </head>
      <body>
        <header>
          <strong>keymint</strong>
          {chrome.org ? (
            <nav aria-label="Main">
              {NAV.map(([id, label, path]) => (
                <a
                  href={`/console/orgs/${chrome.org?.slug}/${path}`}
                  aria-current={chrome.active === id ? 'page' : undefined}
                >
                  {label}
                </a>
              ))}
            </nav>
          ) : null}
          {chrome.orgs && chrome.orgs.length > 1 ? (
            <form method="get" action="/console/switch" class="inline">
              <label for="org-switch" class="inline">
                Organisation
              </label>{' '}
              <select id="org-switch" name="org">
                {chrome.orgs.map((o) => (
                  <option value={o.slug} selected={o.slug === chrome.org?.slug}>
                    {o.name}
                  </option>
                ))}
              </select>{' '}
              <button type="submit">Switch</button>
            </form>
          ) : chrome.org ? (
            <span class="muted">{chrome.org.name}</span>
          ) : null}
          {chrome.email ? (
            <form method="post" action="/console/sign-out" class="inline">
              <input type="hidden" name="_csrf" value={chrome.csrf} />
              <span class="muted">
                {chrome.email}
                {chrome.org ? ` (${chrome.org.role})` : ''}
              </span>{' '}
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

export const Alert = (props: { kind: 'error' | 'warn' | 'ok'; children?: Child }) => (
  <div class={`alert ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
    {props.children}
  </div>
);
