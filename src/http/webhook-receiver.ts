import type { IncomingHttpHeaders } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import { inboxEventFor, type PrepareBodyForStorage } from "../ingest/index.js";
import { InboxRefusedError, InboxUnavailableError, type InboxWriter } from "../store/inbox/index.js";
import { answerUrlValidation, InvalidEnvelopeError, urlValidationEvent, WebhookVerificationError, type WebhookVerifier } from "../zoom/webhook/index.js";
import { auditHeaders } from "./audit-headers.js";
import type { RollcallMetrics, WebhookOutcome } from "./metrics.js";
import { isRecord } from "../json/index.js";

/** The Zoom endpoint's path (design.md "Contract"). */
export const webhookPath = "/webhooks/zoom";

export interface WebhookReceiverOptions {
  verifier: WebhookVerifier;
  inbox: InboxWriter;
  metrics: RollcallMetrics;
  /** Where refusals are logged (their reason only). */
  logger: FastifyBaseLogger;
  prepareBodyForStorage?: PrepareBodyForStorage | undefined;
  now?: (() => number) | undefined;
}

/** What to answer a delivery: status, JSON body, extra headers. */
export interface WebhookAnswer {
  status: number;
  body: object;
  headers?: Record<string, string>;
}

/**
 * What `POST /webhooks/zoom` does with a request whose bytes were read, whichever server read them
 * (the `node:http` fast path or the Fastify route): both answer through this, so they cannot differ.
 */
export interface WebhookReceiver {
  /**
   * Checks signature and timestamp over the raw bytes (401), UTF-8 and JSON (400); answers URL
   * validation, or stores the event and answers 200 only after the commit (503 if it cannot).
   * Throws only on a bug; {@link WebhookReceiver.failed} answers that.
   */
  receive(raw: Buffer, headers: IncomingHttpHeaders, reqId: string): WebhookAnswer | Promise<WebhookAnswer>;
  /** Counts and logs a refusal (the reason only: never a header value or the body) and answers it. */
  refuse(status: number, outcome: WebhookOutcome, message: string, reqId: string): WebhookAnswer;
  /** The answer to an error thrown while reading or handling a request (Fastify's `statusCode` convention). */
  failed(error: { code?: string | undefined; name?: string; statusCode?: number | undefined }, reqId: string): WebhookAnswer;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const maxPlainTokenLength = 1024;

/** Builds the receiver both webhook servers answer through. */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { verifier, inbox, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const prepare = options.prepareBodyForStorage;

  function refuse(status: number, outcome: WebhookOutcome, message: string, reqId: string): WebhookAnswer {
    metrics.countWebhook(outcome);
    logger.info({ reqId, outcome, status }, "webhook refused");
    return { status, body: { error: outcome, message } };
  }

  function receive(raw: Buffer, headers: IncomingHttpHeaders, reqId: string): WebhookAnswer | Promise<WebhookAnswer> {
    const receivedAt = now();
    let verified;
    try {
      verified = verifier.verify(raw, headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError) return refuse(401, error.reason, error.message, reqId);
      throw error;
    }
    let text: string;
    let parsed: unknown;
    try {
      text = utf8.decode(raw);
      parsed = JSON.parse(text);
    } catch {
      return refuse(400, "malformed", "body: expected UTF-8 JSON", reqId);
    }
    if (isRecord(parsed) && parsed["event"] === urlValidationEvent) return validation(parsed, verified.secret.secret, reqId);
    let event;
    try {
      event = inboxEventFor(text, parsed, { headers: auditHeaders(headers, verified.secret), receivedAt, prepare });
    } catch (error) {
      if (error instanceof InvalidEnvelopeError) return refuse(400, "malformed", error.message, reqId);
      throw error;
    }
    return inbox.append(event).then(
      (result) => {
        metrics.countWebhook(result.duplicate ? "duplicate" : "stored");
        return { status: 200, body: { status: result.duplicate ? "duplicate" : "stored", id: result.id } };
      },
      (error: unknown) => notStored(error, reqId),
    );
  }

  function validation(parsed: Record<string, unknown>, secret: string, reqId: string): WebhookAnswer {
    const plainToken = isRecord(parsed["payload"]) ? parsed["payload"]["plainToken"] : undefined;
    if (typeof plainToken !== "string" || plainToken === "") return refuse(400, "malformed", "payload.plainToken: expected a non-empty string", reqId);
    if (plainToken.length > maxPlainTokenLength) return refuse(400, "malformed", `payload.plainToken: expected at most ${maxPlainTokenLength} characters`, reqId);
    metrics.countWebhook("url_validation");
    return { status: 200, body: answerUrlValidation(plainToken, secret) };
  }

  function notStored(error: unknown, reqId: string): WebhookAnswer {
    if (error instanceof InboxRefusedError) {
      // Only this delivery: the others of its batch were committed. A retry would fail alike.
      return refuse(400, "malformed", `body: the database cannot store this event (${error.code})`, reqId);
    }
    if (!(error instanceof InboxUnavailableError)) throw error;
    metrics.countWebhook("unavailable");
    logger.warn({ reqId, outcome: "unavailable", errorCode: error.code }, "inbox could not commit; answering 503 so Zoom retries");
    return { status: 503, headers: { "retry-after": "5" }, body: { error: "unavailable", message: "the inbox cannot commit right now; retry later" } };
  }

  function failed(error: { code?: string | undefined; name?: string; statusCode?: number | undefined }, reqId: string): WebhookAnswer {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return refuse(413, "too_large", "body: larger than the limit", reqId);
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return refuse(415, "unsupported_media_type", "content-type: expected application/json", reqId);
    const status = error.statusCode ?? 500;
    if (status < 500) return refuse(status, "malformed", "request: could not be read", reqId);
    logger.error({ reqId, errorCode: error.code ?? error.name }, "webhook request failed");
    return refuse(500, "error", "internal error", reqId);
  }

  return { receive, refuse, failed };
}
