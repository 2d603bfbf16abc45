// Headers on every response: the request id, and security headers for an API that serves JSON and files.
import type { FastifyInstance } from 'fastify';
import { HEADERS } from '../../contract/index.js';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

export function registerResponseHeaders(app: FastifyInstance, corsOrigins: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(HEADERS.requestId, request.id);
    reply.headers(SECURITY_HEADERS);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    // No CORS unless configured: then only the listed origins, never a wildcard with credentials.
    const origin = request.headers.origin;
    if (origin && corsOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      reply.header('access-control-expose-headers', 'X-Request-Id, X-Total-Count, Retry-After, Content-Disposition');
    }
  });
  if (corsOrigins.length > 0) {
    app.options('*', async (request, reply) => {
      const origin = request.headers.origin;
      if (!origin || !corsOrigins.includes(origin)) return reply.code(404).send();
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'Authorization, Content-Type, X-KEEPNET-Company-Id, X-Request-Id')
        .header('access-control-max-age', '600')
        .send();
    });
  }
}
