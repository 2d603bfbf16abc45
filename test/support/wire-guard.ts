// Every response an in-process test server sends is checked against the contract's schema for its route, whatever
// the test reads it with (fetch, the SDK, a raw socket, the fault proxy): a response that breaks it is replaced by
// a 500 naming the schema's path and value, and the server's close() fails with every such break.
import type { FastifyInstance } from 'fastify';
import { SERVICE_STATUS } from '../../src/contract/index.js';
import { assertWireExchange } from './wire-schemas.js';

export interface WireGuard {
  /** Throws when any response broke its schema since the server started. */
  assertNoViolations(): void;
}

export function holdResponsesToContract(app: FastifyInstance): WireGuard {
  const violations: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    // Streams (the export's file) are sent past this hook; the tests that read them check them.
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : null;
    if (bytes === null) return payload;
    try {
      await assertWireExchange({
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        headers: { get: (name) => (reply.getHeader(name) as string | undefined) ?? null },
        bytes,
      });
      return payload;
    } catch (error) {
      const message = (error as Error).message;
      violations.push(message);
      reply.code(500).type('application/json; charset=utf-8');
      return JSON.stringify({
        data: null,
        status: SERVICE_STATUS.INTERNAL_SERVER_ERROR,
        message: `the response broke its schema: ${message}`,
        validationMessages: null,
      });
    }
  });
  return {
    assertNoViolations() {
      if (violations.length > 0) throw new Error(`responses broke their schema:\n${violations.join('\n')}`);
    },
  };
}
