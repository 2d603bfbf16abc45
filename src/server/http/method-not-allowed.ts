// A known path asked with a method it does not take is a 405 with `Allow` (RFC 9110 §15.5.6), in the envelope;
// a path no route knows stays a 404. The routes are recorded as they are added, so the answer follows the app.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVICE_STATUS } from '../../contract/index.js';
import { ApiError } from '../errors.js';

interface RecordedRoute {
  /** The route's URL matches only itself (no `:param` or `*`). */
  isLiteral: boolean;
  pattern: RegExp;
  methods: Set<string>;
}

const escapeForPattern = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeForPattern(segment)))
    .join('/');
  return new RegExp(`^${source}$`);
}

const pathOf = (url: string) => url.split('?')[0] ?? url;

function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, methods: Set<string>): FastifyReply {
  const allow = [...methods].sort().join(', ');
  const error = new ApiError(
    405,
    SERVICE_STATUS.INPUT_ERROR,
    `${request.method} is not allowed on ${pathOf(request.url)}; it takes ${allow}.`,
  );
  return reply.code(405).header('allow', allow).send(error.toResult());
}

/** Before any route is added: records routes, answers 405 for known paths, 404 for the others. */
export function registerMethodNotAllowed(app: FastifyInstance): void {
  const routes = new Map<string, RecordedRoute>();
  app.addHook('onRoute', (route) => {
    // A catch-all (the CORS preflight's `*`) would make every unknown path "known".
    if (route.url === '*' || route.url === '/*') return;
    const recorded = routes.get(route.url) ?? {
      isLiteral: !/[:*]/.test(route.url),
      pattern: patternOf(route.url),
      methods: new Set<string>(),
    };
    for (const method of [route.method].flat()) recorded.methods.add(method);
    routes.set(route.url, recorded);
  });

  const allowedOn = (path: string): Set<string> => {
    const literal = routes.get(path);
    if (literal?.isLiteral) return literal.methods;
    const methods = new Set<string>();
    for (const route of routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return methods;
  };

  // A literal path (`/api/companies/search`) wins over a parameter route that also matches it
  // (`GET /api/companies/:resourceId`): "search" is that path, not a company.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.includes(':')) return;
    const literal = routes.get(pathOf(request.url));
    if (!literal?.isLiteral || literal.methods.has(request.method)) return;
    return methodNotAllowed(request, reply, literal.methods);
  });

  app.setNotFoundHandler((request, reply) => {
    const methods = allowedOn(pathOf(request.url));
    if (methods.size > 0) return methodNotAllowed(request, reply, methods);
    return reply.code(404).send(ApiError.notFound(`No route ${request.method} ${pathOf(request.url)}.`).toResult());
  });
}
