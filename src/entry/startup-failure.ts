/**
 * A start-up that cannot go on, told as what to do about it (a port in use, a database
 * that is missing, unreachable or refusing the login) rather than the driver's words.
 * `code` is stable: the CLI prints it in its JSON errors.
 */
export class StartupFailure extends Error {
  constructor(
    readonly code: 'port-in-use' | 'port-forbidden' | 'host-unavailable' | DatabaseFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupFailure';
  }
}

type DatabaseFailureCode = 'database-missing' | 'database-unreachable' | 'database-login-refused';

/** The codes of the error and of the errors under it (drizzle keeps the driver's as `cause`). */
function codesOf(e: unknown): string[] {
  const out: string[] = [];
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    const errors = (cur as { errors?: unknown }).errors;
    // Node's AggregateError for a host name with several addresses (localhost: ::1 and 127.0.0.1).
    if (Array.isArray(errors)) out.push(...errors.flatMap(codesOf));
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

/** Listening failed: which port, and what to do. */
export function listenFailure(e: unknown, host: string, port: number): StartupFailure | undefined {
  const codes = codesOf(e);
  if (codes.includes('EADDRINUSE'))
    return new StartupFailure(
      'port-in-use',
      `port ${port} is in use: stop the other process or set PORT=<a free port> (e.g. PORT=${port === 65535 ? port - 1 : port + 1})`,
      { cause: e },
    );
  if (codes.includes('EACCES'))
    return new StartupFailure(
      'port-forbidden',
      `port ${port} needs privileges this process lacks: set PORT=1024 or above (e.g. PORT=8787)`,
      { cause: e },
    );
  if (codes.includes('EADDRNOTAVAIL') || codes.includes('ENOTFOUND'))
    return new StartupFailure(
      'host-unavailable',
      `HOST=${host} is not an address of this machine: set HOST=127.0.0.1 (this machine only) or HOST=0.0.0.0 (every interface)`,
      { cause: e },
    );
  return undefined;
}

interface DatabaseAddress {
  host: string;
  port: string;
  user: string | undefined;
  name: string;
}

function addressOf(databaseUrl: string): DatabaseAddress | undefined {
  let u: URL;
  try {
    u = new URL(databaseUrl);
  } catch {
    return undefined;
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) return undefined;
  return {
    host: decodeURIComponent(u.hostname) || 'localhost',
    port: u.port || '5432',
    user: u.username ? decodeURIComponent(u.username) : undefined,
    name:
      decodeURIComponent(u.pathname.slice(1)) || (u.username ? decodeURIComponent(u.username) : 'postgres'),
  };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** A PostgreSQL DATABASE_URL failed at start-up: which database, and what to do. */
export function databaseFailure(e: unknown, databaseUrl: string): StartupFailure | undefined {
  const at = addressOf(databaseUrl);
  if (!at) return undefined;
  const codes = codesOf(e);
  const where = `${at.host}:${at.port}`;
  if (codes.includes('3D000')) {
    const port = at.port === '5432' ? '' : ` -p ${at.port}`;
    const user = at.user ? ` -U ${at.user}` : '';
    return new StartupFailure(
      'database-missing',
      `database "${at.name}" does not exist on ${where}: create it with \`createdb -h ${at.host}${port}${user} ${at.name}\``,
      { cause: e },
    );
  }
  if (codes.includes('28P01') || codes.includes('28000'))
    return new StartupFailure(
      'database-login-refused',
      `the database at ${where} refused the login${at.user ? ` of user "${at.user}"` : ''}: check the user and password in DATABASE_URL (and pg_hba.conf)`,
      { cause: e },
    );
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN'))
    return new StartupFailure(
      'database-unreachable',
      `cannot reach the database at ${where}: the host name "${at.host}" does not resolve; check DATABASE_URL`,
      { cause: e },
    );
  if (codes.some((c) => UNREACHABLE.has(c)))
    return new StartupFailure(
      'database-unreachable',
      `cannot reach the database at ${where}: is PostgreSQL running, and is DATABASE_URL right?`,
      { cause: e },
    );
  return undefined;
}
