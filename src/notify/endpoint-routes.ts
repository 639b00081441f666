import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { RollcallDatabase } from "../store/index.js";
import { listDeadLetters, replayDeadLetters } from "./dead-letters.js";
import { checkEndpointUrl } from "./destination.js";
import { addEndpoint, getEndpoint, listEndpoints, removeEndpoint, rotateEndpointSecret } from "./endpoints-repository.js";
import { notifyEventTypes } from "./event-types.js";

export interface EndpointRoutesOptions {
  store: RollcallDatabase;
  /** `ROLLCALL_WEBHOOK_ALLOW_PRIVATE`. */
  allowPrivate: boolean;
  /** Runs before every route (the API's bearer check). */
  preHandler?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

const createBody = z.strictObject({
  url: z.string().min(1),
  events: z.array(z.enum(notifyEventTypes)).optional(),
  description: z.string().max(500).optional(),
});
const rotateBody = z.strictObject({ graceSeconds: z.number().int().min(0).max(7 * 86_400).optional() }).optional();
const replayBody = z.strictObject({ messageId: z.string().min(1).optional() }).optional();

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: "invalid_request", message } });
}

function notFound(reply: FastifyReply, id: string): FastifyReply {
  return reply.code(404).send({ error: { code: "not_found", message: `id: no webhook endpoint "${id}"` } });
}

/**
 * `/api/v1/webhook-endpoints`: create (answers the signing secret, this once), list, get, delete,
 * `POST /{id}/rotate-secret`, `GET /{id}/dead-letters` and `POST /{id}/replay` (every dead letter
 * of the endpoint, or `{ "messageId" }`).
 *
 * @example
 * await app.register(webhookEndpointRoutes, { store, allowPrivate: config.webhookAllowPrivate, preHandler: requireApiKey });
 */
export async function webhookEndpointRoutes(app: FastifyInstance, options: EndpointRoutesOptions): Promise<void> {
  const db = options.store.db;
  const route = options.preHandler ? { preHandler: options.preHandler } : {};
  const base = "/api/v1/webhook-endpoints";

  app.post(base, route, async (request, reply) => {
    const parsed = createBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return badRequest(reply, `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    try {
      checkEndpointUrl(parsed.data.url, { allowPrivate: options.allowPrivate });
    } catch (error) {
      return badRequest(reply, (error as Error).message);
    }
    const { endpoint, secret } = await addEndpoint(db, parsed.data, { allowPrivate: options.allowPrivate });
    return reply.code(201).send({ ...endpoint, secret });
  });

  app.get(base, route, async () => ({ data: await listEndpoints(db) }));

  app.get<{ Params: { id: string } }>(`${base}/:id`, route, async (request, reply) => {
    const endpoint = await getEndpoint(db, request.params.id);
    return endpoint ?? notFound(reply, request.params.id);
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, route, async (request, reply) => {
    if (!(await removeEndpoint(db, request.params.id))) return notFound(reply, request.params.id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/rotate-secret`, route, async (request, reply) => {
    const parsed = rotateBody.safeParse(request.body ?? undefined);
    if (!parsed.success) return badRequest(reply, `graceSeconds: ${parsed.error.issues[0]!.message}`);
    const grace = parsed.data?.graceSeconds;
    const secret = await rotateEndpointSecret(db, request.params.id, grace !== undefined ? { graceMs: grace * 1000 } : {});
    if (secret === undefined) return notFound(reply, request.params.id);
    return { id: request.params.id, secret };
  });

  app.get<{ Params: { id: string } }>(`${base}/:id/dead-letters`, route, async (request, reply) => {
    if (!(await getEndpoint(db, request.params.id))) return notFound(reply, request.params.id);
    return { data: await listDeadLetters(db, { endpointId: request.params.id }) };
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/replay`, route, async (request, reply) => {
    const parsed = replayBody.safeParse(request.body ?? undefined);
    if (!parsed.success) return badRequest(reply, `messageId: ${parsed.error.issues[0]!.message}`);
    if (!(await getEndpoint(db, request.params.id))) return notFound(reply, request.params.id);
    const replayed = await replayDeadLetters(db, { endpointId: request.params.id, ...(parsed.data?.messageId ? { messageId: parsed.data.messageId } : {}) });
    return { replayed };
  });
}
