import * as z from "zod";
import { addEndpoint, checkEndpointUrl, disableEndpoint, enableEndpoint, getEndpoint, listDeadLetters, listEndpoints, notifyEventTypes, removeEndpoint, replayDeadLetters, rotateEndpointSecret } from "../../notify/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";

const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(notifyEventTypes)).nullable().describe("Event types sent; null: all."),
  description: z.string().nullable(),
  createdAt: z.string(),
  previousSecretExpiresAt: z.string().nullable().describe("Until when the previous secret still signs too (after a rotation)."),
  enabled: z.boolean().describe("False once disabled (its receiver answered 410 Gone, or `PATCH` with `enabled: false`): no messages are written or sent to it."),
  disabledAt: z.string().nullable().describe("When it was disabled; null while enabled."),
  disabledReason: z.string().nullable().describe("Why it was disabled; null while enabled."),
}).meta({ id: "WebhookEndpoint" });
const deadLetterSchema = z.object({
  messageId: z.string().describe("The `webhook-id` it was, and will again be, sent with."),
  endpointId: z.string(),
  instanceUuid: z.string(),
  type: z.string(),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  failedAt: z.string(),
}).meta({ id: "DeadLetter" });
const idPath = z.object({ id: z.string().min(1).max(64).describe("Endpoint id (`ep_…`).") });
const secretSchema = z.string().describe("The signing secret (`whsec_…`, Standard Webhooks). Shown this once.");

/**
 * `/api/v1/webhook-endpoints`: where Rollcall sends outbound webhooks (Standard Webhooks
 * signatures). Create answers the signing secret once; enable/disable, rotate-secret, dead letters
 * and replay.
 */
export const webhookEndpointsRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  const tags = ["webhook endpoints"];

  api.route(
    {
      method: "POST",
      path: "/webhook-endpoints",
      summary: "Add a webhook endpoint",
      description:
        "Addresses that are not public (loopback, private, link-local and metadata, IPv6 forms of those, other special-purpose ranges) are refused, here and at every delivery, unless `ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1`.",
      tags,
      body: z.strictObject({
        url: z.string().min(1).max(2048).describe("http(s) URL events are POSTed to."),
        events: z.array(z.enum(notifyEventTypes)).min(1).optional().describe("Event types to send (default: all)."),
        description: z.string().max(500).optional(),
      }),
      responses: { 201: { description: "Created, with its signing secret (shown once).", schema: endpointSchema.extend({ secret: secretSchema }) } },
    },
    async ({ body, reply }) => {
      try {
        checkEndpointUrl(body.url, { allowPrivate: config.webhookAllowPrivate });
      } catch (error) {
        throw new ApiError(400, "invalid_request", (error as Error).message, [{ path: "body.url", message: (error as Error).message }]);
      }
      const { endpoint, secret } = await addEndpoint(db, body, { allowPrivate: config.webhookAllowPrivate });
      reply.code(201);
      return { ...endpoint, secret };
    },
  );

  api.route(
    { method: "GET", path: "/webhook-endpoints", summary: "List webhook endpoints", description: "Never their secrets.", tags, responses: { 200: { description: "Every endpoint.", schema: z.object({ data: z.array(endpointSchema) }) } } },
    async () => ({ data: await listEndpoints(db) }),
  );

  api.route(
    { method: "GET", path: "/webhook-endpoints/{id}", summary: "One webhook endpoint", tags, params: idPath, responses: { 200: { description: "The endpoint.", schema: endpointSchema }, 404: { description: "No such endpoint." } } },
    async ({ params }) => (await getEndpoint(db, params.id)) ?? Promise.reject(notFound("id", `no webhook endpoint "${params.id}"`)),
  );

  api.route(
    { method: "DELETE", path: "/webhook-endpoints/{id}", summary: "Remove a webhook endpoint", description: "Its undelivered messages go too.", tags, params: idPath, responses: { 204: { description: "Removed." }, 404: { description: "No such endpoint." } } },
    async ({ params, reply }) => {
      if (!(await removeEndpoint(db, params.id))) throw notFound("id", `no webhook endpoint "${params.id}"`);
      return reply.code(204).send();
    },
  );

  api.route(
    {
      method: "PATCH",
      path: "/webhook-endpoints/{id}",
      summary: "Enable or disable a webhook endpoint",
      description:
        "An endpoint whose receiver answers `410 Gone` is disabled: its pending messages become dead letters and no new ones are written for it. `enabled: true` turns it on again for new events; replay its dead letters to send what it missed. `enabled: false` disables it the same way.",
      tags,
      params: idPath,
      body: z.strictObject({ enabled: z.boolean() }),
      responses: { 200: { description: "The endpoint.", schema: endpointSchema }, 404: { description: "No such endpoint." } },
    },
    async ({ params, body }) => {
      if (!(await getEndpoint(db, params.id))) throw notFound("id", `no webhook endpoint "${params.id}"`);
      if (body.enabled) await enableEndpoint(db, params.id);
      else await db.transaction().execute((trx) => disableEndpoint(trx, params.id, "disabled through the API", Date.now()));
      return (await getEndpoint(db, params.id)) ?? Promise.reject(notFound("id", `no webhook endpoint "${params.id}"`));
    },
  );

  api.route(
    {
      method: "POST",
      path: "/webhook-endpoints/{id}/rotate-secret",
      summary: "Rotate an endpoint's secret",
      description: "Messages are signed with the old and the new secret for `graceSeconds` (default 86400).",
      tags,
      params: idPath,
      body: z.strictObject({ graceSeconds: z.number().int().min(0).max(7 * 86_400).optional() }).optional(),
      responses: { 200: { description: "The new secret (shown once).", schema: z.object({ id: z.string(), secret: secretSchema }) }, 404: { description: "No such endpoint." } },
    },
    async ({ params, body }) => {
      const secret = await rotateEndpointSecret(db, params.id, body?.graceSeconds !== undefined ? { graceMs: body.graceSeconds * 1000 } : {});
      if (secret === undefined) throw notFound("id", `no webhook endpoint "${params.id}"`);
      return { id: params.id, secret };
    },
  );

  api.route(
    {
      method: "GET",
      path: "/webhook-endpoints/{id}/dead-letters",
      summary: "Dead letters of an endpoint",
      description: "Messages that failed every attempt of `ROLLCALL_WEBHOOK_RETRY_SECONDS`, oldest first.",
      tags,
      params: idPath,
      responses: { 200: { description: "The dead letters.", schema: z.object({ data: z.array(deadLetterSchema) }) }, 404: { description: "No such endpoint." } },
    },
    async ({ params }) => {
      if (!(await getEndpoint(db, params.id))) throw notFound("id", `no webhook endpoint "${params.id}"`);
      return { data: await listDeadLetters(db, { endpointId: params.id }) };
    },
  );

  api.route(
    {
      method: "POST",
      path: "/webhook-endpoints/{id}/replay",
      summary: "Send dead letters again",
      description: "Every dead letter of the endpoint, or only `messageId`; each keeps its `webhook-id`.",
      tags,
      params: idPath,
      body: z.strictObject({ messageId: z.string().min(1).optional() }).optional(),
      responses: { 200: { description: "How many were queued again.", schema: z.object({ replayed: z.number() }) }, 404: { description: "No such endpoint." } },
    },
    async ({ params, body }) => {
      if (!(await getEndpoint(db, params.id))) throw notFound("id", `no webhook endpoint "${params.id}"`);
      return { replayed: await replayDeadLetters(db, { endpointId: params.id, ...(body?.messageId !== undefined ? { messageId: body.messageId } : {}) }) };
    },
  );
};
