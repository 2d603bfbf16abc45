// The server's pino logger. Requests are logged by method, URL and status only: never bodies (token requests
// carry secrets), never the Authorization header, and never a query string's values (a client may put a secret
// there, though RFC 6749 §2.3.1 forbids it).
import pino, { type Logger } from 'pino';

export const LOG_REDACTIONS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** The URL with every query value replaced, names kept: `/connect/token?client_secret=[redacted]`. */
export function redactQuery(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const names = url
    .slice(question + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, question)}?${names.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  host?: string;
  socket?: { remotePort?: number };
}

// Fastify's own request serializer, but for the URL; a logger instance's serializers take precedence over it.
const serializers = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: request.url === undefined ? undefined : redactQuery(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
};

export function serverLogger(level: string, destination?: pino.DestinationStream): Logger {
  if (!LEVELS.has(level)) throw new Error(`log level must be one of ${[...LEVELS].join(', ')}, not "${level}"`);
  return pino({ level, redact: LOG_REDACTIONS, serializers }, destination);
}
