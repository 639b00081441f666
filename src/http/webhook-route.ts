import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { inboxEventFor, type PrepareBodyForStorage } from "../ingest/index.js";
import { InboxRefusedError, InboxUnavailableError, type InboxWriter } from "../store/inbox/index.js";
import {
  answerUrlValidation,
  InvalidEnvelopeError,
  urlValidationEvent,
  WebhookVerificationError,
  type WebhookVerifier,
} from "../zoom/webhook/index.js";
import { auditHeaders } from "./audit-headers.js";
import type { RollcallMetrics, WebhookOutcome } from "./metrics.js";
import { isRecord } from "../json/index.js";

/** The Zoom endpoint's path (design.md "Contract"). */
export const webhookPath = "/webhooks/zoom";

export interface WebhookRouteOptions {
  verifier: WebhookVerifier;
  inbox: InboxWriter;
  metrics: RollcallMetrics;
  /** Largest accepted body in bytes (default 1 MiB); larger ones get 413. */
  bodyLimitBytes?: number;
  prepareBodyForStorage?: PrepareBodyForStorage;
  now?: () => number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const maxPlainTokenLength = 1024;

/**
 * Registers `POST /webhooks/zoom` in an encapsulated scope (its raw-body JSON parser does not leak to
 * other routes). Checks, in order: content type and size (415/413, by Fastify), signature and
 * timestamp over the raw bytes (401), UTF-8 and JSON (400); then answers URL validation, or stores
 * the event in the inbox and answers 200 only after the commit (503 if it cannot commit).
 */
export async function webhookRoute(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  const { verifier, inbox, metrics } = options;
  const now = options.now ?? Date.now;
  const prepare = options.prepareBodyForStorage;

  // Fastify gives every request a child logger (pino `child({ reqId })`), a measurable cost per
  // webhook; this route logs refusals only, so it uses the parent logger and names the request id
  // itself in those lines.
  app.setChildLoggerFactory((logger) => logger);

  // Keep the exact bytes: Zoom signs what it sent, and a re-serialised body may differ.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return refuse(reply, 413, "too_large", "body: larger than the limit");
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return refuse(reply, 415, "unsupported_media_type", "content-type: expected application/json");
    const status = error.statusCode ?? 500;
    if (status < 500) return refuse(reply, status, "malformed", "request: could not be read");
    request.log.error({ reqId: request.id, errorCode: error.code ?? error.name }, "webhook request failed");
    return refuse(reply, 500, "error", "internal error");
  });

  function refuse(reply: FastifyReply, status: number, outcome: WebhookOutcome, message: string): FastifyReply {
    metrics.countWebhook(outcome);
    // The reason only: never a header value, the body, or anything it contains.
    reply.log.info({ reqId: reply.request.id, outcome, status }, "webhook refused");
    return reply.code(status).send({ error: outcome, message });
  }

  app.post(webhookPath, async (request, reply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) return refuse(reply, 415, "unsupported_media_type", "content-type: expected application/json");
    const receivedAt = now();

    let verified;
    try {
      verified = verifier.verify(raw, request.headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError) return refuse(reply, 401, error.reason, error.message);
      throw error;
    }

    let text: string;
    let parsed: unknown;
    try {
      text = utf8.decode(raw);
      parsed = JSON.parse(text);
    } catch {
      return refuse(reply, 400, "malformed", "body: expected UTF-8 JSON");
    }

    if (isRecord(parsed) && parsed["event"] === urlValidationEvent) {
      const plainToken = isRecord(parsed["payload"]) ? parsed["payload"]["plainToken"] : undefined;
      if (typeof plainToken !== "string" || plainToken === "") return refuse(reply, 400, "malformed", "payload.plainToken: expected a non-empty string");
      if (plainToken.length > maxPlainTokenLength) return refuse(reply, 400, "malformed", `payload.plainToken: expected at most ${maxPlainTokenLength} characters`);
      metrics.countWebhook("url_validation");
      return reply.code(200).send(answerUrlValidation(plainToken, verified.secret.secret));
    }

    let event;
    try {
      event = inboxEventFor(text, parsed, { headers: auditHeaders(request.headers, verified.secret), receivedAt, prepare });
    } catch (error) {
      if (error instanceof InvalidEnvelopeError) return refuse(reply, 400, "malformed", error.message);
      throw error;
    }

    try {
      const result = await inbox.append(event);
      metrics.countWebhook(result.duplicate ? "duplicate" : "stored");
      return reply.code(200).send({ status: result.duplicate ? "duplicate" : "stored", id: result.id });
    } catch (error) {
      if (error instanceof InboxRefusedError) {
        // Only this delivery: the others of its batch were committed. A retry would fail alike.
        return refuse(reply, 400, "malformed", `body: the database cannot store this event (${error.code})`);
      }
      if (!(error instanceof InboxUnavailableError)) throw error;
      metrics.countWebhook("unavailable");
      reply.log.warn({ reqId: request.id, outcome: "unavailable", errorCode: error.code }, "inbox could not commit; answering 503 so Zoom retries");
      return reply.code(503).header("retry-after", "5").send({ error: "unavailable", message: "the inbox cannot commit right now; retry later" });
    }
  });
}
