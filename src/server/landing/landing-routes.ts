// GET / (a small landing page), GET /docs (the API reference, rendered from the served OpenAPI document) and the
// stylesheet both use. Pages of this server's own, so nothing is fetched from another origin.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml, renderApiReference } from './api-reference.js';

const STYLESHEET_PATH = '/docs/lapse.css';

/** The API's CSP, widened only by the page's own stylesheet. */
const PAGE_POLICY = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";

const STYLESHEET = `body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem 2rem;color:#1d232a}
a{color:#0b5cad}code{font:13px ui-monospace,monospace;background:#f2f4f7;padding:0 .2em;border-radius:3px}
h1{font-size:1.6rem}h3{margin-top:2rem;border-top:1px solid #d8dde3;padding-top:1rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}th,td{border:1px solid #d8dde3;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}.method{display:inline-block;min-width:3.5rem;font-weight:600;color:#5b2a86}nav ul{columns:2}.auth{color:#555}
`;

function landingPage(rawTitle: string, rawVersion: string): string {
  const [title, version] = [escapeHtml(rawTitle), escapeHtml(rawVersion)];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head>
<body>
<h1>${title} <small>${version}</small></h1>
<p>The reseller Company API (the Keepnet Labs shape): OAuth 2.0 client-credentials tokens, company search with
paging, ordering and filters, CSV and Excel export, licence checks, over a tree of resellers and their customers.</p>
<ul>
<li><a href="/docs">API reference</a>: every route, its parameters, body and answers</li>
<li><a href="/openapi.json">OpenAPI document</a> (JSON), for code generators and API tools</li>
<li><a href="/healthz">/healthz</a> (the process is up) and <a href="/readyz">/readyz</a> (the database is reachable)</li>
</ul>
<p>Start with a token: <code>POST /connect/token</code> with <code>grant_type=client_credentials</code>,
<code>client_id</code>, <code>client_secret</code> and <code>scope=api1</code> (form-encoded), then send
<code>Authorization: Bearer &lt;access_token&gt;</code>.</p>
</body>
</html>
`;
}

const sendPage = (reply: FastifyReply, type: string, body: string) =>
  reply.type(type).header('content-security-policy', PAGE_POLICY).header('cache-control', 'no-cache').send(body);

export async function landingRoutes(app: FastifyInstance): Promise<void> {
  let reference: string | undefined;
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (_request, reply) => {
    const { info } = app.swagger() as { info: { title: string; version: string } };
    return sendPage(reply, 'text/html; charset=utf-8', landingPage(info.title, info.version));
  });
  app.get('/docs', hidden, async (_request, reply) => {
    // The document is complete once the app is ready, and fixed from then on.
    reference ??= renderApiReference(app.swagger() as Parameters<typeof renderApiReference>[0], STYLESHEET_PATH);
    return sendPage(reply, 'text/html; charset=utf-8', reference);
  });
  app.get(STYLESHEET_PATH, hidden, async (_request, reply) => sendPage(reply, 'text/css; charset=utf-8', STYLESHEET));
}
