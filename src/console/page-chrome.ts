import type { MemberOrg } from '../auth/sign-in';
import { assetVersion, CONSOLE_CSS, CONSOLE_JS } from './assets';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import type { Chrome } from './layout';

/** Builds what every page's frame needs for this request. */
export type ChromeFor = (c: ConsoleContext, org?: MemberOrg, active?: Chrome['active']) => Promise<Chrome>;

/** The asset versions are hashed once, when the console is built. */
export function createChrome(): ChromeFor {
  const versions = Promise.all([assetVersion(CONSOLE_CSS), assetVersion(CONSOLE_JS)]);
  return async (c, org, active) => {
    const [css, js] = await versions;
    // Unset on the public pages, which run before the session guard.
    const v = c.var.viewer as ConsoleEnv['Variables']['viewer'] | undefined;
    return {
      nonce: c.var.nonce,
      assets: { css, js },
      ...(v ? { csrf: v.session.csrfToken, email: v.user.email, orgs: v.orgs } : {}),
      ...(org ? { org } : {}),
      ...(active ? { active } : {}),
    };
  };
}
