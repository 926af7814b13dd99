/**
 * The MCP server's logs: the runtime's structured logger, always as JSON lines on stderr. stdout
 * belongs to the MCP protocol when serving stdio, so nothing here may ever write there.
 */
import { type LoggerOptions, createLogger } from '../runtime/logger.js';

export { type LogFields, type LogLevel, type Logger, isLogLevel, silentLogger } from '../runtime/logger.js';

export function jsonLogger(options: Omit<LoggerOptions, 'format'> = {}) {
  return createLogger({ ...options, format: 'json' });
}
