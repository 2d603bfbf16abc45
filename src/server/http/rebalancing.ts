// Connections a worker accepted while some of its peers were not listening (the server's start, a worker being
// replaced). The cluster hands each new connection to a worker in turn, but a kept-alive one stays with the worker
// that accepted it: a client that connected early (a load balancer's pool of kept-alive connections) would be
// served by that one worker for as long as it keeps its connections. Once every worker listens, each connection
// accepted before is closed after its next response, with `Connection: close` so the client knows before it sends
// again (closing an idle connection instead races a request already on its way), and the client's next connection
// goes to whichever worker the cluster picks. Only the response of the last request read on a connection says so:
// Node would drop the answers of requests pipelined behind it, after their handlers had run.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { unansweredRequests } from './unanswered-requests.js';

/** Calls its listener each time the count of listening workers comes back up to all of them. */
export type OnEveryWorkerListening = (listener: () => void) => void;

export function registerRebalancing(app: FastifyInstance, onEveryWorkerListening: OnEveryWorkerListening): void {
  // Bumped each time every worker listens again; a connection is marked with the value at which it was accepted.
  let generation = 0;
  const acceptedAt = new WeakMap<Socket, number>();
  app.server.on('connection', (socket: Socket) => acceptedAt.set(socket, generation));
  onEveryWorkerListening(() => {
    generation++;
  });
  const unanswered = unansweredRequests(app);
  // On the raw response, so that exports, which write their own head, carry it too. A connection with requests
  // pipelined behind this one is asked again on the next.
  app.addHook('onRequest', async (request, reply) => {
    const { socket } = request.raw;
    if ((acceptedAt.get(socket) ?? generation) < generation && unanswered.on(socket) === 1) {
      reply.raw.setHeader('connection', 'close');
    }
  });
}
