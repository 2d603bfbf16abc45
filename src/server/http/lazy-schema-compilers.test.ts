import AjvCompiler from '@fastify/ajv-compiler';
import SerializerCompiler from '@fastify/fast-json-stringify-compiler';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazySchemaCompilers, type SchemaCompilers } from './lazy-schema-compilers.js';

/** Fastify's own compilers, counting the schemas they compile: `route httpPart|status`. */
function countingCompilers(compiled: string[]): SchemaCompilers {
  const validators = AjvCompiler();
  const serializers = SerializerCompiler();
  return {
    buildValidator: (schemas, options) => {
      const compile = validators(schemas, options);
      return (route) => {
        compiled.push(`${route.url} ${route.httpPart}`);
        return compile(route);
      };
    },
    buildSerializer: (schemas, options) => {
      const compile = serializers(schemas, options);
      return (route) => {
        compiled.push(`${route.url} ${route.httpStatus}`);
        return compile(route);
      };
    },
  };
}

const Named = Type.Object({ name: Type.String({ minLength: 2 }) });
const Reply = Type.Object({ greeting: Type.String() });

function appWith(compilers: SchemaCompilers | undefined, ajv?: object): FastifyInstance {
  const app = Fastify({
    ...(compilers && { schemaController: { compilersFactory: compilers } }),
    ...(ajv && { ajv: { customOptions: ajv } }),
  });
  for (const url of ['/a', '/b']) {
    app.post(url, { schema: { body: Named, response: { 200: Reply } } }, async (request) => ({
      greeting: `hello ${(request.body as { name: string }).name}`,
      secret: 'never serialised',
    }));
  }
  app.post('/number', { schema: { body: Type.Integer() } }, async (request) => ({ type: typeof request.body }));
  return app;
}

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

function started(compilers: SchemaCompilers | undefined, ajv?: object): FastifyInstance {
  const app = appWith(compilers, ajv);
  apps.push(app);
  return app;
}

describe('lazySchemaCompilers', () => {
  it('compiles a route schema when the route first needs it, once', async () => {
    const compiled: string[] = [];
    const app = started(lazySchemaCompilers(countingCompilers(compiled)));
    await app.ready();
    expect(compiled).toEqual([]);
    for (let round = 0; round < 2; round++) {
      const reply = await app.inject({ method: 'POST', url: '/a', payload: { name: 'Ada' } });
      expect(reply.json()).toEqual({ greeting: 'hello Ada' });
    }
    expect(compiled).toEqual(['/a body', '/a 200']);
  });

  it('answers bad input as Fastify does with its compilers compiled at start', async () => {
    const lazy = started(lazySchemaCompilers());
    const eager = started(undefined);
    for (const payload of [{ name: 'A' }, { nome: 'Ada' }, { name: 7 }]) {
      const [fromLazy, fromEager] = await Promise.all(
        [lazy, eager].map((app) => app.inject({ method: 'POST', url: '/b', payload })),
      );
      expect(fromLazy?.statusCode).toBe(400);
      expect(fromLazy?.json()).toEqual(fromEager?.json());
    }
  });

  it("lets ajv replace the whole value, as Fastify allows for ajv's own validators", async () => {
    const app = started(lazySchemaCompilers(), { coerceTypes: true });
    const reply = await app.inject({
      method: 'POST',
      url: '/number',
      headers: { 'content-type': 'application/json' },
      payload: '"42"',
    });
    expect(reply.json()).toEqual({ type: 'number' });
  });
});
