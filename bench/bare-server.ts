// The throughput baseline: a bare Fastify route that answers every POST with the same bytes a real search
// returned, so the difference to `lapse serve` is exactly auth, query and serialisation.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bytes = readFileSync(process.argv[2] as string);
const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/api/companies/search', async (_request, reply) =>
  reply.header('content-type', 'application/json; charset=utf-8').send(bytes),
);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`bare route listening on ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
