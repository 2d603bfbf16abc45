// Fastify's own schema compilers (ajv for validation, fast-json-stringify for responses), each route's schema
// compiled the first time the route needs it instead of all at start: compiling every route's schemas is most of
// a server's start (docs/benchmarks.md, startup), and the first requests use only a few routes.
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaValidationError } from 'fastify';

type ValidatorFactory = AjvCompiler.ValidatorFactory;
type SerializerFactory = SerializerCompiler.SerializerFactory;
type Validator = ReturnType<ReturnType<ValidatorFactory>>;

export interface SchemaCompilers {
  buildValidator: ValidatorFactory;
  buildSerializer: SerializerFactory;
}

/** What Fastify reads of a validator besides calling it. */
interface ValidatorProperties {
  errors?: FastifySchemaValidationError[] | null;
  /** Ajv's: when present, Fastify passes the request as the parent, so that ajv may replace the value. */
  schemaEnv?: unknown;
}

function compiledOnFirstUse<T>(compile: () => T): () => T {
  let compiled: T | undefined;
  return () => {
    compiled ??= compile();
    return compiled;
  };
}

function lazyValidators(build: ValidatorFactory): ValidatorFactory {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      const validator = compiledOnFirstUse(() => compile(route) as Validator & ValidatorProperties);
      const validate = (...args: unknown[]) => (validator() as (...a: unknown[]) => unknown)(...args);
      // Read before every call (schemaEnv) and after a failed one (errors): the compiled validator's own.
      return Object.defineProperties(validate, {
        errors: { get: () => validator().errors },
        schemaEnv: { get: () => validator().schemaEnv },
      }) as unknown as Validator;
    };
  };
}

function lazySerializers(build: SerializerFactory): SerializerFactory {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      const serializer = compiledOnFirstUse(() => compile(route));
      return (data) => serializer()(data);
    };
  };
}

/** For Fastify's `schemaController.compilersFactory`; the builders are Fastify's defaults unless given. */
export function lazySchemaCompilers(
  builders: SchemaCompilers = { buildValidator: AjvCompiler(), buildSerializer: SerializerCompiler() },
): SchemaCompilers {
  return {
    buildValidator: lazyValidators(builders.buildValidator),
    buildSerializer: lazySerializers(builders.buildSerializer),
  };
}
