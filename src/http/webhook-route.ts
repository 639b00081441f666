import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { WebhookAnswer, WebhookReceiver } from "./webhook-receiver.js";
import { webhookPath } from "./webhook-receiver.js";

export { webhookPath } from "./webhook-receiver.js";

export interface WebhookRouteOptions {
  receiver: WebhookReceiver;
  /** Largest accepted body in bytes (default 1 MiB); larger ones get 413. */
  bodyLimitBytes?: number;
}

/**
 * Registers `POST /webhooks/zoom` in an encapsulated scope (its raw-body JSON parser does not leak to
 * other routes). Checks, in order: content type and size (415/413, by Fastify), then what
 * {@link WebhookReceiver.receive} checks. The `node:http` fast path (`webhook-fast-path.ts`) answers
 * the usual requests before Fastify sees them; this route answers the rest (an unusual content type
 * or URL spelling) through the same receiver, and all of them where no fast path runs.
 */
export async function webhookRoute(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  const { receiver } = options;

  // Fastify gives every request a child logger (pino `child({ reqId })`), a measurable cost per
  // webhook; this route logs refusals only, so it uses the parent logger and names the request id
  // itself in those lines.
  app.setChildLoggerFactory((logger) => logger);

  // Keep the exact bytes: Zoom signs what it sent, and a re-serialised body may differ.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => send(reply, receiver.failed(error, request.id)));

  app.post(webhookPath, async (request, reply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) return send(reply, receiver.refuse(415, "unsupported_media_type", "content-type: expected application/json", request.id));
    return send(reply, await receiver.receive(raw, request.headers, request.id));
  });
}

function send(reply: FastifyReply, answer: WebhookAnswer): FastifyReply {
  if (answer.headers) reply.headers(answer.headers);
  return reply.code(answer.status).send(answer.body);
}
