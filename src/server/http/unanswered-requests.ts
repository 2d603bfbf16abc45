// Requests whose response is not yet out, by connection: the drain ends a connection once it has none, and the
// rebalancing asks a connection to close only on the response of the last request it has read. Counted as Node
// parses the requests, so a pipelined request already read counts. Weak: the responses queued behind one whose
// socket was destroyed never close, and their connection must not outlive it here.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface UnansweredRequests {
  /** Requests read on `socket` whose response is not yet out. */
  on(socket: Socket): number;
  /** Calls `listener` once each response is out, with the socket's requests still unanswered. */
  onAnswered(listener: (socket: Socket, left: number) => void): void;
}

const ofApp = new WeakMap<FastifyInstance, UnansweredRequests>();

/** The app's count (one per app, whoever asks first starts it). */
export function unansweredRequests(app: FastifyInstance): UnansweredRequests {
  const known = ofApp.get(app);
  if (known) return known;
  const unanswered = new WeakMap<Socket, number>();
  const listeners: ((socket: Socket, left: number) => void)[] = [];
  // Before Fastify's own listener, so that a request counts itself by the time its hooks run.
  app.server.prependListener('request', (request, response) => {
    const { socket } = request;
    unanswered.set(socket, (unanswered.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (unanswered.get(socket) ?? 1) - 1;
      if (left > 0) unanswered.set(socket, left);
      else unanswered.delete(socket);
      for (const listener of listeners) listener(socket, left);
    });
  });
  const requests: UnansweredRequests = {
    on: (socket) => unanswered.get(socket) ?? 0,
    onAnswered: (listener) => listeners.push(listener),
  };
  ofApp.set(app, requests);
  return requests;
}
