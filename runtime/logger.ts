/**
 * Structured logging for workers: one JSON object per line on stderr (what log shippers read),
 * or readable text for a terminal. Fields are flat and named the same everywhere (task, taskId,
 * workflowId, attempt), so one query finds every line about a task.
 */

/** `silent` writes nothing (stdio MCP servers that must keep quiet, tests). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value);
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'text';
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
  fields?: LogFields;
}

function errorFields(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function textLine(time: string, level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields): string {
  const extras = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(errorFields(v))}`);
  return `${time} ${level.toUpperCase().padEnd(5)} ${message}${extras.length ? `  ${extras.join(' ')}` : ''}`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const format = options.format ?? 'json';
  const make = (base: LogFields): Logger => {
    const log = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
      if (RANK[level] < threshold) return;
      const time = new Date().toISOString();
      const all = { ...base, ...fields };
      if (format === 'text') {
        write(textLine(time, level, message, all));
        return;
      }
      const record: LogFields = { time, level, msg: message };
      for (const [k, v] of Object.entries(all)) if (v !== undefined) record[k] = errorFields(v);
      write(JSON.stringify(record));
    };
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** Discards everything (the default for library use, e.g. in tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
