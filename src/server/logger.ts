// The server's pino logger. Requests are logged by method, URL and status only: never bodies (token requests
// carry secrets) and never the Authorization header.
import pino, { type Logger } from 'pino';

export const LOG_REDACTIONS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export function serverLogger(level: string, destination?: pino.DestinationStream): Logger {
  if (!LEVELS.has(level)) throw new Error(`log level must be one of ${[...LEVELS].join(', ')}, not "${level}"`);
  return pino({ level, redact: LOG_REDACTIONS }, destination);
}
