// SIGTERM's drain as the contract answers it. From the moment the server starts closing, a request that arrives on
// a connection still open (pipelined, or kept alive) is refused with 503 in the envelope with Retry-After
// (contract §2), where Fastify's own refusal has neither; the requests already running finish. The server closes
// only the connections idle when the drain begins, so each other one is ended once its last response is out: a
// kept-alive connection would otherwise hold the drain open until the grace period cuts every request still
// running.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { unansweredRequests } from './unanswered-requests.js';

/** Hooks the drain onto the app's closing; `onDrain` runs once, when it starts. */
export function registerDraining(app: FastifyInstance, onDrain: () => void = () => {}): void {
  let isDraining = false;
  // A pipelined request already read keeps its connection open until its response is out.
  unansweredRequests(app).onAnswered((socket, left) => {
    if (isDraining && left === 0) socket.end();
  });
  app.addHook('preClose', async () => {
    isDraining = true;
    onDrain();
  });
  app.addHook('onRequest', async () => {
    if (isDraining) throw ApiError.shuttingDown();
  });
}
