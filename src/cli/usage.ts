/**
 * Every command's usage, in one place: `--help` prints it and every misuse error cites the
 * same text. Kept free of imports so `keymint --help` loads nothing else.
 */
export interface Usage {
  /** The synopsis, as typed: `keymint key show <key> --org <slug> [--json]`. */
  usage: string;
  /** One line: what it does. */
  about: string;
  /** More, printed by its own --help only. */
  details?: string;
}

/** A command: one usage, or a group of subcommands each with its own. */
export interface CommandHelp {
  about: string;
  usage?: Usage;
  subs?: Record<string, Usage>;
  details?: string;
}

const EXPIRY = '[--expires-in 30d|60d|90d|180d|1y|never] [--expires-at <RFC 3339>]';

export const KEY_USAGE = {
  create: {
    usage: `keymint key create --org <slug> --name <name> --scope <scope>… ${EXPIRY} [--ttl <seconds>] [--allow-ip <cidr>]… [--json]`,
    about: 'create a key; its secret is printed once, here',
  },
  list: {
    usage: 'keymint key list --org <slug> [--status active|disabled|expired|revoked|all] [--json]',
    about: 'list the keys of an organisation (active ones by default), never their secrets',
  },
  show: {
    usage: 'keymint key show <key> --org <slug> [--json]',
    about: 'one key, never its secret',
  },
  rename: {
    usage: 'keymint key rename <key> --org <slug> --name <name> [--json]',
    about: 'give a key a new name',
  },
  disable: {
    usage: 'keymint key disable <key> --org <slug> [--json]',
    about: 'stop a key getting tokens until it is enabled again',
  },
  enable: {
    usage: 'keymint key enable <key> --org <slug> [--json]',
    about: 'let a disabled key get tokens again',
  },
  rotate: {
    usage: 'keymint key rotate <key> --org <slug> [--grace-period <seconds>] [--json]',
    about: 'issue a new secret; the old one stops at once or after the grace period (at most 86400 s)',
  },
  revoke: {
    usage: 'keymint key revoke <key> --org <slug> [--json]',
    about: 'end a key for good: the very next /token is refused',
  },
  delete: {
    usage: 'keymint key delete <key> --org <slug>',
    about: 'remove a revoked or expired key from listings (the audit log keeps it)',
  },
  import: {
    usage: `keymint key import --org <slug> --name <name> --client-id <id> --scope <scope>… ${EXPIRY} [--ttl <seconds>] [--allow-ip <cidr>]… (--client-secret-stdin | --bcrypt-hash-stdin) [--json]`,
    about: 'bring a client of another issuer: its client id and secret keep working (stored as bcrypt)',
    details:
      "The secret (8–72 bytes), or the other issuer's bcrypt hash of it at BCRYPT_COST, comes on standard input.\n" +
      'Checking its secret costs a bcrypt comparison: once the client works against keymint, rotate the\n' +
      'key (keymint key rotate <client id> --org <slug> --grace-period 86400) to give it a keymint secret.',
  },
} satisfies Record<string, Usage>;

export const FEDERATION_USAGE = {
  create: {
    usage:
      'keymint federation create --org <slug> --name <name> --issuer <url> [--audience <aud>] [--subject <pattern>] --claim <name>=<value>… --scope <scope>… [--ttl <seconds>] [--json]',
    about: "trust a CI job's OIDC ID token (pinned claims) for tokens with these scopes",
  },
  list: {
    usage: 'keymint federation list --org <slug> [--status active|disabled|revoked|all] [--json]',
    about: 'list the federations of an organisation',
  },
  show: { usage: 'keymint federation show <federation> --org <slug> [--json]', about: 'one federation' },
  disable: {
    usage: 'keymint federation disable <federation> --org <slug> [--json]',
    about: 'stop exchanging ID tokens until enabled again',
  },
  enable: {
    usage: 'keymint federation enable <federation> --org <slug> [--json]',
    about: 'exchange ID tokens again',
  },
  revoke: {
    usage: 'keymint federation revoke <federation> --org <slug> [--json]',
    about: 'end a federation for good',
  },
  delete: {
    usage: 'keymint federation delete <federation> --org <slug>',
    about: 'remove a revoked federation from listings (the audit log keeps it)',
  },
} satisfies Record<string, Usage>;

export const ORG_USAGE = {
  create: {
    usage: 'keymint org create <slug> [--name <name>] [--max-active-keys <n>] [--json]',
    about: 'create an organisation (at most 10 live keys unless --max-active-keys says otherwise)',
  },
  list: { usage: 'keymint org list [--json]', about: 'every organisation on this database' },
} satisfies Record<string, Usage>;

export const USER_USAGE = {
  create: {
    usage: 'keymint user create --org <slug> --email <email> --role admin|viewer --password-stdin [--json]',
    about: 'create a console user, or give an existing one a role in another organisation',
  },
  invite: {
    usage: 'keymint user invite --org <slug> --email <email> --role admin|viewer [--json]',
    about:
      'a one-time console invite link (valid 7 days) to pass on; works while a server runs on PostgreSQL',
  },
} satisfies Record<string, Usage>;

export const SIGNING_KEYS_USAGE = {
  list: { usage: 'keymint signing-keys list [--json]', about: 'the signing keys and their states' },
  rotate: {
    usage: 'keymint signing-keys rotate [--now] [--json]',
    about:
      'promote the next key once it has been published a JWKS max-age; --now at once (a compromised key)',
  },
  retire: {
    usage: 'keymint signing-keys retire [--json] [--] <kid>',
    about: 'remove a compromised key from the JWKS at once (a kid starting with "-" goes after --)',
  },
} satisfies Record<string, Usage>;

export const SERVE_USAGE: Usage = {
  usage: 'keymint serve',
  about: 'serve on $HOST:$PORT (applies pending migrations first); SIGTERM or Ctrl-C stops it',
};

export const MIGRATE_USAGE: Usage = {
  usage: 'keymint migrate [--json]',
  about: "apply pending migrations to DATABASE_URL's database",
};

export const GATEWAY_USAGE: Usage = {
  usage: 'keymint gateway --issuer <url> [--upstream <url>] [--port <n>]',
  about: "the GraphQL gateway alone, verifying tokens through the issuer's JWKS",
};

export const TOKEN_USAGE: Usage = {
  usage:
    'keymint token --issuer <url> --client-id <id> (--client-secret-stdin | --github-oidc [--id-token-audience <aud>]) [--scope <s>…] [--audience <a>] [--json]',
  about: 'get an access token from /token and print only it (what a CI step captures); needs no database',
  details: `  --client-secret-stdin   a key's secret on standard input (never on the command line); a typo in a
                          keymint secret (its checksum fails) is caught before anything is sent
  --github-oidc           in a GitHub Actions job with \`permissions: id-token: write\`: exchanges the job's ID
                          token under a federation (kmf_… client id); no secret at all
  --id-token-audience     the audience asked of GitHub for the ID token (default: --issuer, a federation's default)
Exits non-zero when there is no token.`,
};

/** The command table's help, in the order `keymint --help` lists it. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  serve: { about: SERVE_USAGE.about, usage: SERVE_USAGE },
  migrate: { about: MIGRATE_USAGE.about, usage: MIGRATE_USAGE },
  org: { about: 'organisations, each with its own keys, users and limit', subs: ORG_USAGE },
  user: { about: 'console users', subs: USER_USAGE },
  key: {
    about: 'API keys: each an OAuth2 client (client_id + client_secret) of one organisation',
    subs: KEY_USAGE,
    details:
      "<key> is a key's id (key_…) or its client id. What these commands change reaches servers on the same\n" +
      'PostgreSQL database at once; on the embedded database, stop the server first.',
  },
  federation: {
    about: "workload identity federation: a CI job's OIDC ID token in, a keymint token out, no secret",
    subs: FEDERATION_USAGE,
    details:
      "<federation> is a federation's id or its clientId (kmf_…). --claim pins an ID-token claim to an\n" +
      'exact value and may repeat; a federation for GitHub must pin repository_id and repository_owner_id\n' +
      '(gh api repos/OWNER/REPO --jq .id,.owner.id prints both).',
  },
  'signing-keys': { about: 'the keys that sign access tokens', subs: SIGNING_KEYS_USAGE },
  gateway: { about: GATEWAY_USAGE.about, usage: GATEWAY_USAGE },
  token: { about: TOKEN_USAGE.about, usage: TOKEN_USAGE },
};
