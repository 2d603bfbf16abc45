// The page's built files (dist/web, made by `npm run build`), served as they are: nothing is built at run time.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** dist/web, beside the compiled sources (this file runs as dist/src/dashboard/static-files.js). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/** The file a URL path names inside `root`, or undefined when it would leave `root`. */
function resolveFile(root: string, urlPath: string): string | undefined {
  const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  const file = normalize(join(root, relative));
  return file.startsWith(normalize(root + sep)) ? file : undefined;
}

/** `GET` and `HEAD` of any path outside /ui-api/: a built file, or the server's not-found answer. */
export async function staticFileRoutes(app: FastifyInstance, options: { webRoot: string }): Promise<void> {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    async handler(request, reply) {
      const urlPath = request.url.split('?')[0] ?? '/';
      const file = resolveFile(options.webRoot, urlPath);
      const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
      if (file === undefined || !info?.isFile()) return reply.callNotFound();
      return reply
        .headers({
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': info.size,
          // Vite puts a content hash in every asset name, so those never change; index.html must be re-read.
          'cache-control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        })
        .send(createReadStream(file));
    },
  });
}
