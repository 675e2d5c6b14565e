import type { Context } from 'hono';
import type { MemberOrg } from '../auth/sign-in';
import type { SessionRow, UserRow } from '../db/schema/index';
import type { AppEnv } from '../deps';

export interface ConsoleViewer {
  user: UserRow;
  session: SessionRow;
  orgs: MemberOrg[];
}

export type ConsoleEnv = AppEnv & { Variables: { nonce: string; viewer: ConsoleViewer } };

// biome-ignore lint/suspicious/noExplicitAny: the helpers serve every console route, whatever its path parameters
export type ConsoleContext = Context<ConsoleEnv, any>;
