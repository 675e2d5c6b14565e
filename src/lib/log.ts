export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_FIELD = /secret|password|authorization|cookie|token|kek|private|digest|hash/i;

/** Credentials, and what stands for them in the database, wherever they appear in text. */
const SECRET_TEXT: [RegExp, string][] = [
  [/kms_[0-9A-Za-z]{49}/g, 'kms_[redacted]'],
  [/sha256:[0-9a-f]{64}/g, 'sha256:[redacted]'],
  [/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, '$2b$[redacted]'],
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[jwt redacted]'],
];

const redactText = (text: string): string =>
  SECRET_TEXT.reduce((t, [re, replacement]) => t.replace(re, replacement), text);

/** drizzle appends the query's parameters to its message; they may hold anything a user sent. */
const withoutParams = (text: string): string => text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '');

function errorFields(e: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: redactText(withoutParams(e.message)) };
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (e.stack) out.stack = redactText(withoutParams(e.stack));
  if (e.cause !== undefined && depth < 4) out.cause = redact(e.cause, depth + 1);
  return out;
}

/** Replaces anything that may carry a credential, at any depth; errors keep their stack. */
export function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return errorFields(value, depth);
  if (depth > 4 || value === null || typeof value !== 'object') {
    return typeof value === 'string' ? redactText(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}

/** One JSON line per event on the given sink (stderr on Node, console in Workers). */
export function createLog(write: (line: string) => void = (l) => console.error(l)): Log {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ at: new Date().toISOString(), level, msg, ...(redact(fields ?? {}) as object) }));
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
