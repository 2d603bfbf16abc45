// A webhook receiver the tests run: it keeps every POST (raw body and headers) and answers as the test says,
// 204 by default; `onPost` may answer later, or never.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  body: string;
  headers: IncomingHttpHeaders;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedPost[];
  /** Answers a POST once its body is in; replace it to answer otherwise. */
  onPost: (post: ReceivedPost, response: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    onPost: (_post, response) => response.writeHead(204).end(),
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const post = { body: Buffer.concat(chunks).toString('utf8'), headers: request.headers };
      receiver.received.push(post);
      receiver.onPost(post, response);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
