import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { WebhookAnswer, WebhookReceiver } from "./webhook-receiver.js";
import { webhookPath } from "./webhook-receiver.js";

export interface WebhookFastPathOptions {
  receiver: WebhookReceiver;
  /** Largest accepted body in bytes; larger ones get 413 (like the route's parser limit). */
  bodyLimitBytes: number;
  /** True once the app is closing: then every request is answered 503, as Fastify's `return503OnClosing` does. */
  closing(): boolean;
}

/**
 * Puts the webhook fast path in front of Fastify on the server Fastify made (so every server option
 * it set, timeouts included, stays as it is): a `POST /webhooks/zoom` with a plain JSON content
 * type is answered by plain `node:http` code, every other request goes to Fastify unchanged.
 * Fastify's routing, hooks and reply objects were about a third of the CPU time of a delivery; the
 * answer is the same, since both go through one {@link WebhookReceiver}.
 */
export function serveWebhooksFirst(server: Server, options: WebhookFastPathOptions): void {
  const listeners = server.listeners("request") as RequestListener[];
  if (listeners.length !== 1) throw new Error(`webhook fast path: expected Fastify's one request listener, found ${listeners.length}`);
  const fastify = listeners[0]!;
  const fast = webhookFastPath(options);
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (!fast(request, response)) fastify(request, response);
  });
}

/**
 * The content types the fast path takes (what Zoom and Rollcall's emulator send); any other
 * spelling Fastify accepts or refuses (415) as before.
 */
const plainJson = new Set(["application/json", "application/json; charset=utf-8", "application/json;charset=utf-8", "application/json; charset=UTF-8"]);

/** Fastify's own answer while closing (`return503OnClosing`), byte for byte. */
const closingBody = '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}';

/** A handler that answers webhook deliveries and returns false for any request it leaves to Fastify. */
export function webhookFastPath(options: WebhookFastPathOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { receiver, bodyLimitBytes: limit } = options;
  let nextId = 0;
  return (request, response) => {
    if (request.method !== "POST" || !isWebhookUrl(request.url) || !plainJson.has(request.headers["content-type"] ?? "")) return false;
    if (options.closing()) {
      response.writeHead(503, { "content-type": "application/json", "content-length": String(closingBody.length), connection: "close" });
      response.end(closingBody);
      return true;
    }
    const reqId = `wh-${(nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER).toString(36)}`;
    readBody(request, limit, (error, raw) => {
      // Like Fastify after a body it could not read: close, the client may still be sending.
      if (error) return send(response, receiver.failed(error, reqId), true);
      answer(receiver, raw!, request, response, reqId);
    });
    return true;
  };
}

function isWebhookUrl(url: string | undefined): boolean {
  return url === webhookPath || (url !== undefined && url.startsWith(webhookPath) && url.charCodeAt(webhookPath.length) === 63 /* ? */);
}

function answer(receiver: WebhookReceiver, raw: Buffer, request: IncomingMessage, response: ServerResponse, reqId: string): void {
  let result: WebhookAnswer | Promise<WebhookAnswer>;
  try {
    result = receiver.receive(raw, request.headers, reqId);
  } catch (error) {
    return send(response, receiver.failed(error as Error, reqId));
  }
  if (!(result instanceof Promise)) return send(response, result);
  result.then(
    (done) => send(response, done),
    (error: unknown) => send(response, receiver.failed(error as Error, reqId)),
  );
}

function send(response: ServerResponse, answer: WebhookAnswer, close = false): void {
  const text = JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...answer.headers, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) };
  if (close) headers["connection"] = "close";
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** Why a body could not be read, with Fastify's codes (so the receiver answers as for the route). */
interface ReadError {
  code: string;
  statusCode: number;
}

const tooLarge: ReadError = { code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413 };
const badLength: ReadError = { code: "FST_ERR_CTP_INVALID_CONTENT_LENGTH", statusCode: 400 };

/** Reads the whole body, as Fastify's raw-body parser does: the declared length first, then the bytes received, against `limit`. */
function readBody(request: IncomingMessage, limit: number, done: (error: ReadError | undefined, body?: Buffer) => void): void {
  const declared = Number(request.headers["content-length"]);
  if (declared > limit) return done(tooLarge);
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limit) {
      stop();
      return done(tooLarge);
    }
    chunks.push(chunk);
  };
  const onEnd = (): void => {
    stop();
    if (!Number.isNaN(declared) && received !== declared) return done(badLength);
    done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  };
  const onError = (error: Error & { statusCode?: number; code?: string }): void => {
    stop();
    done({ code: error.code ?? "read_error", statusCode: typeof error.statusCode === "number" && error.statusCode >= 400 ? error.statusCode : 400 });
  };
  function stop(): void {
    request.removeListener("data", onData);
    request.removeListener("end", onEnd);
    request.removeListener("error", onError);
  }
  request.on("data", onData);
  request.on("end", onEnd);
  request.on("error", onError);
}
