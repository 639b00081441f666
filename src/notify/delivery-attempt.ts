import type { Selectable } from "kysely";
import type { WebhookEndpointTable } from "../store/tables/notify.js";
import { guardConnection, RefusedDestinationError } from "./destination.js";
import { signingSecrets } from "./endpoints-repository.js";
import type { WebhookTransport } from "./post-webhook.js";
import { sign } from "./signing.js";

/**
 * What became of one attempt. `error` is short and safe to log (a status, a code); `detail` adds
 * the start of the receiver's answer for the stored record only. `final`: do not retry.
 * `gone`: the receiver answered 410, the endpoint is to be disabled.
 */
export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string; detail?: string; final?: boolean; gone?: boolean };

/** One message as claimed for an attempt. */
export interface AttemptMessage {
  messageId: string;
  body: string;
}

/** How an attempt is made. */
export interface AttemptContext {
  transport: WebhookTransport;
  timeoutMs: number;
  allowPrivate: boolean;
  now: number;
}

/**
 * Sends one message to its endpoint, signed: the host is checked first and every address
 * connected to on the way (see `guardConnection`). Never throws: every failure is an outcome.
 */
export async function attemptDelivery(endpoint: Selectable<WebhookEndpointTable> | undefined, message: AttemptMessage, context: AttemptContext): Promise<Outcome> {
  if (!endpoint) return { ok: false, status: null, error: "endpoint removed" };
  if (endpoint.disabled_at !== null) return { ok: false, status: null, error: `endpoint disabled: ${endpoint.disabled_reason ?? "disabled"}`, final: true };
  const url = new URL(endpoint.url);
  const timestamp = Math.floor(context.now / 1000);
  try {
    const { lookup } = guardConnection(url, { allowPrivate: context.allowPrivate });
    const answer = await context.transport.post({
      url,
      body: message.body,
      timeoutMs: context.timeoutMs,
      lookup,
      headers: {
        "content-type": "application/json",
        "user-agent": "Rollcall-Webhooks/1",
        "webhook-id": message.messageId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": sign(signingSecrets(endpoint, context.now), message.messageId, timestamp, message.body),
      },
    });
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
    const excerpt = answer.excerpt.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
    return { ok: false, status: answer.status, error: `HTTP ${answer.status}`, ...(excerpt !== "" ? { detail: excerpt } : {}), ...(answer.status === 410 ? { gone: true, final: true } : {}) };
  } catch (error) {
    return { ok: false, status: null, error: failureOf(error, context.timeoutMs) };
  }
}

/** A short, loggable description of a failed request (no URL, no secret). */
function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof RefusedDestinationError) return `refused: ${error.message}`;
  const { name, code, syscall } = error as NodeJS.ErrnoException;
  if (name === "TimeoutError") return `timeout after ${timeoutMs} ms`;
  if (syscall === "getaddrinfo" || code === "ENOTFOUND") return `dns: ${code ?? "lookup failed"}`;
  return `connection: ${code ?? (error as Error).message}`;
}
