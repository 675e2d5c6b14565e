export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_FIELD = /secret|password|authorization|cookie|token|kek|private/i;

/** Replaces anything that may carry a credential, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') {
    return typeof value === 'string' ? value.replace(/kms_[0-9A-Za-z]{49}/g, 'kms_[redacted]') : value;
  }
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
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
