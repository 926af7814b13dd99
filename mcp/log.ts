/**
 * Structured logs: one JSON object per line on stderr. stdout belongs to the MCP protocol when
 * serving stdio, so nothing here may ever write there.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}

export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

export function jsonLogger(options: JsonLoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const line = { time: now().toISOString(), level, msg: message, ...bound, ...fields };
    write(`${JSON.stringify(line, errorReplacer)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => jsonLogger(options, { ...bound, ...fields }),
  };
}

export const silentLogger: Logger = jsonLogger({ level: 'silent' });

// Errors have no enumerable fields; log their message instead of `{}`.
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
