/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { MemberOrg } from '../auth/sign-in';

export interface Chrome {
  nonce: string;
  assets: { css: string; js: string };
  csrf?: string | undefined;
  email?: string | undefined;
  orgs?: MemberOrg[];
  org?: MemberOrg | undefined;
  active?: 'keys' | 'federations' | 'usage' | 'audit' | 'integrate' | 'members';
}

const NAV = [
  ['keys', 'Keys', 'keys'],
  ['federations', 'Federations', 'federations'],
  ['usage', 'Usage', 'usage'],
  ['audit', 'Audit log', 'audit'],
  ['integrate', 'Integrate', 'integrate'],
  ['members', 'Members', 'members'],
] as const;

function Account(props: { chrome: Chrome }) {
  const { chrome } = props;
  return (
    <div class="account">
      {chrome.orgs && chrome.orgs.length > 1 ? (
        <form method="get" action="/console/switch">
          <label for="org-switch" class="visually-hidden">
            Organisation
          </label>
          <select id="org-switch" name="org">
            {chrome.orgs.map((o) => (
              <option value={o.slug} selected={o.slug === chrome.org?.slug}>
                {o.name}
              </option>
            ))}
          </select>
          <button type="submit">Switch</button>
        </form>
      ) : chrome.org ? (
        <span class="muted">{chrome.org.name}</span>
      ) : null}
      {chrome.email ? (
        <form method="post" action="/console/sign-out">
          <input type="hidden" name="_csrf" value={chrome.csrf} />
          <span class="who truncate" title={chrome.email}>
            {chrome.email}
          </span>
          {chrome.org ? <span class="muted">{chrome.org.role}</span> : null}
          <button type="submit">Sign out</button>
        </form>
      ) : null}
    </div>
  );
}

/**
 * The page frame: standards mode, landmarks (banner, navigation, main) with a skip
 * link, the organisation switcher, sign-out, the CSRF meta tag, and the page's title
 * row (a way back above it, a badge and the page's main action beside it).
 */
export function Layout(props: {
  chrome: Chrome;
  title: string;
  children?: Child;
  /** The page's main action, right of the title (e.g. "Create key"). */
  actions?: Child;
  /** Right after the title, e.g. a status badge. */
  badge?: Child;
  /** A link back to the list this page belongs to. */
  back?: { href: string; label: string };
  /** A single short form (sign in, a confirmation): a narrower column reads better. */
  narrow?: boolean;
}) {
  const { chrome } = props;
  const title = chrome.org ? `${props.title} · ${chrome.org.name} · keymint` : `${props.title} · keymint`;
  return (
    <>
      {/* hono/jsx renders no doctype of its own; without it every page is in quirks mode. */}
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {chrome.csrf ? <meta name="csrf-token" content={chrome.csrf} /> : null}
          <title>{title}</title>
          <link rel="stylesheet" href={`/console/assets/console.css?v=${chrome.assets.css}`} />
          <script src={`/console/assets/console.js?v=${chrome.assets.js}`} nonce={chrome.nonce} defer />
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <div class="wrap">
              <a class="brand" href="/console">
                keymint
              </a>
              {chrome.org ? (
                <nav class="site-nav" aria-label="Main">
                  <ul>
                    {NAV.map(([id, label, path]) => (
                      <li>
                        <a
                          href={`/console/orgs/${chrome.org?.slug}/${path}`}
                          aria-current={chrome.active === id ? 'page' : undefined}
                        >
                          {label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
              ) : null}
              <Account chrome={chrome} />
            </div>
          </header>
          <main id="main" tabindex={-1} class="wrap">
            <div class={props.narrow ? 'narrow' : undefined}>
              {props.back ? (
                <a class="back" href={props.back.href}>
                  <span aria-hidden="true">← </span>
                  {props.back.label}
                </a>
              ) : null}
              <div class="page-head">
                <div class="meta">
                  <h1>{props.title}</h1>
                  {props.badge}
                </div>
                {props.actions}
              </div>
              {props.children}
            </div>
          </main>
        </body>
      </html>
    </>
  );
}

export const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

export const Alert = (props: { kind: 'error' | 'warn' | 'ok' | 'info'; children?: Child }) => (
  <div class={`alert ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
    {props.children}
  </div>
);
