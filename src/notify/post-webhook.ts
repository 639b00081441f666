import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";

/** What a receiver answered: its status and at most the first {@link answerExcerptBytes} of its body. */
export interface WebhookAnswer {
  status: number;
  excerpt: string;
}

/** Body bytes of an answer that are read (for the attempt's record); the rest is never read. */
export const answerExcerptBytes = 4096;
/** How long the body of an answer is read once its head is in, at most. */
export const answerBodyMs = 1000;

/** The whole exchange took longer than the delivery timeout. */
export class WebhookTimeoutError extends Error {
  override name = "TimeoutError";
}

/** One POST: where, what, and the limits. */
export interface WebhookRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** Connecting, sending and the answer's head, together. */
  timeoutMs: number;
  /** Checks every address a connection goes to (see `guardConnection`); undefined: the system's. */
  lookup: LookupFunction | undefined;
}

/** Sends webhooks over its own keep-alive connections; `close` drops them. */
export interface WebhookTransport {
  post(request: WebhookRequest): Promise<WebhookAnswer>;
  close(): void;
}

/**
 * The sender's HTTP client. An answer's body is read up to {@link answerExcerptBytes} and for at
 * most {@link answerBodyMs}; past either, the connection is dropped, so a receiver that answers and
 * then streams without end costs a few kilobytes and a second, not memory by the gigabyte. Only
 * an answer read to its end within both leaves its connection for reuse. No redirects are followed.
 */
export function createWebhookTransport(): WebhookTransport {
  // Idle connections go after 4 s, before a receiver's own keep-alive timeout (Node's is 5 s) closes them under a request.
  const agents = { "http:": new HttpAgent({ keepAlive: true, timeout: 4000 }), "https:": new HttpsAgent({ keepAlive: true, timeout: 4000 }) };
  return {
    post: (request) => post(request, request.url.protocol === "https:" ? agents["https:"] : agents["http:"]),
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

function post(request: WebhookRequest, agent: HttpAgent): Promise<WebhookAnswer> {
  const send = request.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const outgoing = send(
      request.url,
      {
        method: "POST",
        agent,
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
        ...(request.lookup !== undefined ? { lookup: request.lookup } : {}),
      },
      (answer) => {
        clearTimeout(timer);
        const bodyMs = Math.max(0, Math.min(answerBodyMs, request.timeoutMs - (Date.now() - started)));
        void readExcerpt(answer, bodyMs).then((excerpt) => resolve({ status: answer.statusCode ?? 0, excerpt }));
      },
    );
    const timer = setTimeout(() => outgoing.destroy(new WebhookTimeoutError(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}

/** Reads the start of an answer's body; drops the connection if the body goes on past the limits. */
function readExcerpt(answer: IncomingMessage, bodyMs: number): Promise<string> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (whole: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      answer.removeAllListeners("data");
      // Not read to its end: the rest stays unread, and the connection cannot be reused.
      if (!whole) answer.destroy();
      resolve(Buffer.concat(kept).toString("utf8"));
    };
    const timer = setTimeout(() => finish(false), bodyMs);
    answer.on("data", (chunk: Buffer) => {
      if (size < answerExcerptBytes) kept.push(chunk.subarray(0, answerExcerptBytes - size));
      size += chunk.length;
      if (size > answerExcerptBytes) finish(false);
    });
    answer.on("end", () => finish(true));
    answer.on("error", () => finish(false));
  });
}
