// SIGTERM's drain as the contract answers it. From the moment the server starts closing, a request that arrives on
// a connection still open (pipelined, or kept alive) is refused with 503 in the envelope with Retry-After
// (contract §2), where Fastify's own refusal has neither; the requests already running finish. The server closes
// only the connections idle when the drain begins, so each other one is ended once its last response is out: a
// kept-alive connection would otherwise hold the drain open until the grace period cuts every request still
// running.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

/** Hooks the drain onto the app's closing; `onDrain` runs once, when it starts. */
export function registerDraining(app: FastifyInstance, onDrain: () => void = () => {}): void {
  let isDraining = false;
  // Requests whose response is not yet out, by connection; counted as Node parses them, before Fastify's hooks, so
  // a pipelined request already read keeps its connection open. Weak: the responses queued behind one whose socket
  // was destroyed never close, and their connection must not outlive it here.
  const unanswered = new WeakMap<Socket, number>();
  app.server.on('request', (request, response) => {
    const { socket } = request;
    unanswered.set(socket, (unanswered.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (unanswered.get(socket) ?? 1) - 1;
      if (left > 0) unanswered.set(socket, left);
      else {
        unanswered.delete(socket);
        if (isDraining) socket.end();
      }
    });
  });
  app.addHook('preClose', async () => {
    isDraining = true;
    onDrain();
  });
  app.addHook('onRequest', async () => {
    if (isDraining) throw ApiError.shuttingDown();
  });
}
