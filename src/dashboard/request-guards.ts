// What /ui-api/ refuses before any route runs: an address that is not valid percent-encoding (400, as the page's
// other bad input), and any request a page on another site could have made (403). The API answers only the page
// lapse ui served: a cross-site page can neither set a custom header without CORS (which this server never grants)
// nor forge the browser's Origin and Sec-Fetch-Site.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UiError, UiRefusal } from '../contract/index.js';

/** The header the page's fetch wrapper sends (src/web/ui-client.ts). */
export const DASHBOARD_HEADER = 'x-lapse-dashboard';

function isPercentEncoded(text: string): boolean {
  try {
    decodeURIComponent(text.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}

/** Answers 400 when the path or a query parameter of a /ui-api/ address holds a malformed `%` escape. */
export function refuseMalformedEscape(request: FastifyRequest, reply: FastifyReply): boolean {
  const [path = '', query = ''] = request.url.split('?', 2);
  if (!path.startsWith('/ui-api/')) return false;
  if (isPercentEncoded(path) && query.split(/[&=]/).every(isPercentEncoded)) return false;
  const refusal: UiError = {
    error: {
      kind: 'invalid',
      title: 'That view cannot be shown',
      message: 'the address holds a malformed % escape',
      detail: null,
    },
  };
  reply.code(400).header('cache-control', 'no-store').send(refusal);
  return true;
}

/** Sec-Fetch-Site values of a request this page made, or one the user made by typing or opening a link. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Answers 403 to a /ui-api/ request another site could have sent. Accepted: the page's fetch wrapper (its own
 * header, and its own Origin when the browser sends one), and a download the page links to, which a browser
 * marks Sec-Fetch-Site: same-origin (or none when the user opens the address). A foreign Origin or Sec-Fetch-Site
 * is refused whatever else the request carries.
 */
export function refuseCrossSite(request: FastifyRequest, reply: FastifyReply, ownOrigin: string): boolean {
  if (!request.url.startsWith('/ui-api/')) return false;
  const { origin } = request.headers;
  const fetchSite = request.headers['sec-fetch-site'];
  const isForeign =
    (origin !== undefined && origin !== ownOrigin) || (fetchSite !== undefined && !OWN_FETCH_SITES.has(fetchSite));
  const isOwn =
    request.headers[DASHBOARD_HEADER] === '1' || (fetchSite !== undefined && OWN_FETCH_SITES.has(fetchSite));
  if (!isForeign && isOwn) return false;
  const refusal: UiRefusal = { error: 'cross-origin request' };
  reply.code(403).header('cache-control', 'no-store').send(refusal);
  return true;
}

/** A write (a renewal, a snapshot, dropping the listings) only this page may ask for: 403 unless its Origin is its own. */
export function refuseForeignOrigin(request: FastifyRequest, reply: FastifyReply, ownOrigin: string): boolean {
  if (request.headers.origin === ownOrigin) return false;
  const refusal: UiRefusal = { error: 'cross-origin request' };
  reply.code(403).send(refusal);
  return true;
}
