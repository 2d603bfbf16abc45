// contract §2: JSON bodies (application/json, application/*+json, text/json), strict UTF-8, no prototype
// pollution keys; form bodies for the token endpoint; anything else reaches the route as UnsupportedBody so the
// route can answer in its own error format (415 ServiceResult, or OAuth invalid_request).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

export class UnsupportedBody {
  constructor(readonly contentType: string | undefined) {}
}

const JSON_TYPES = /^(application\/([\w.+-]+\+)?json|text\/json)(\s*;.*)?$/i; // parameters (charset) allowed
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(ApiError.invalidRequest(['body: is not valid UTF-8']), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) done(ApiError.invalidRequest([`body: is not valid JSON (${error.message})`]), undefined);
      else done(null, value);
    });
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    done(null, new UnsupportedBody(request.headers['content-type']));
  });
}

/** contract §2: a JSON route given another content type answers 415. */
export function requireJsonBody(body: unknown): void {
  if (body instanceof UnsupportedBody || body instanceof URLSearchParams) {
    throw new ApiError(415, 'INPUT_ERROR', 'The request body must be JSON (application/json).');
  }
}
