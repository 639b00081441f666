import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { lazySchemaCompilers } from "../lazy-schema-compilers.js";

/** Where the rendered API reference lives. */
export const docsPath = "/docs";

/**
 * `GET /docs` and everything under it: the rendered API reference (swagger-ui, its assets served
 * by Rollcall itself, no CDN) of `document`. It is built on the first request, as a Fastify app of
 * its own that these two routes hand the request to: swagger-ui and what it loads (a YAML library,
 * a static file server) took about a fifth of a start, for a page few requests ever ask for.
 */
export function docsRoutes(app: FastifyInstance, document: () => Record<string, unknown>): void {
  let docs: Promise<FastifyInstance> | undefined;
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    docs ??= buildDocsApp(app, document).catch((error: unknown) => {
      // Not cached: the next request tries again.
      docs = undefined;
      throw error;
    });
    const built = await docs;
    reply.hijack();
    built.routing(request.raw, reply.raw);
  };
  app.get(docsPath, handler);
  app.get(`${docsPath}/*`, handler);
  app.addHook("onClose", async () => {
    const built = await docs?.catch(() => undefined);
    await built?.close();
  });
}

async function buildDocsApp(parent: FastifyInstance, document: () => Record<string, unknown>): Promise<FastifyInstance> {
  const [{ default: fastifySwagger }, { default: fastifySwaggerUi }] = await Promise.all([import("@fastify/swagger"), import("@fastify/swagger-ui")]);
  const docs = Fastify({ loggerInstance: parent.log, logController: new LogController({ disableRequestLogging: true }), schemaController: lazySchemaCompilers });
  await docs.register(fastifySwagger, { mode: "static", specification: { document: document() as never } });
  await docs.register(fastifySwaggerUi, { routePrefix: docsPath, uiConfig: { docExpansion: "list", deepLinking: true }, staticCSP: true });
  await docs.ready();
  return docs;
}
