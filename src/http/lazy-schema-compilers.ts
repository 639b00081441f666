import { createRequire } from "node:module";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
type ValidatorFactory = NonNullable<CompilersFactory["buildValidator"]>;
type SerializerFactory = NonNullable<CompilersFactory["buildSerializer"]>;

/** Fastify's own require, so its compilers are the versions it depends on, wherever npm put them. */
let fastifyRequire: NodeJS.Require | undefined;
const requireFromFastify = (id: string): unknown => (fastifyRequire ??= createRequire(createRequire(import.meta.url).resolve("fastify")))(id);

/** A compiler factory as the two packages export it: called once, it returns the function Fastify calls per schema set. */
type Builder = (...args: unknown[]) => unknown;

/** Forwards to `factory()` of package `id`, loading it on the first call. */
function lazily(id: string): Builder {
  let build: Builder | undefined;
  return (...args) => (build ??= (requireFromFastify(id) as () => Builder)())(...args);
}

/**
 * Fastify's default JSON Schema compilers (Ajv to validate, fast-json-stringify to serialise),
 * loaded the first time a route with a JSON schema needs one rather than when an app is created,
 * as Fastify does: Rollcall validates with zod and its routes declare no JSON schema, so Ajv and
 * its company were a tenth of every start for nothing. Pass as `Fastify({ schemaController })`.
 *
 * One difference: Fastify treats compilers from a factory as custom and compiles a `headers`
 * schema as written, without lower-casing its property names. Rollcall's routes have none.
 */
export const lazySchemaCompilers: NonNullable<FastifyServerOptions["schemaController"]> = {
  compilersFactory: {
    buildValidator: lazily("@fastify/ajv-compiler") as ValidatorFactory,
    buildSerializer: lazily("@fastify/fast-json-stringify-compiler") as SerializerFactory,
  },
};
