import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { DoorBoard } from "../runtime/index.js";
import type { InboxWriter } from "../store/inbox/index.js";
import type { RollcallDatabase } from "../store/index.js";
import type { WebhookVerifier } from "../zoom/webhook/index.js";
import { healthRoutes } from "./health-routes.js";
import { lazySchemaCompilers } from "./lazy-schema-compilers.js";
import type { RollcallMetrics } from "./metrics.js";
import { metricsRoute } from "./metrics-route.js";
import type { PrepareBodyForStorage } from "../ingest/index.js";
import { serveWebhooksFirst } from "./webhook-fast-path.js";
import { createWebhookReceiver } from "./webhook-receiver.js";
import { webhookRoute } from "./webhook-route.js";

export interface AppOptions {
  store: RollcallDatabase;
  /** How each door for Zoom's events stands, listed by `/readyz`. */
  doors?: DoorBoard;
  inbox: InboxWriter;
  verifier: WebhookVerifier;
  metrics: RollcallMetrics;
  /** A pino logger; silent when absent. */
  logger?: FastifyBaseLogger;
  /** Largest accepted webhook body in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /**
   * Longest time to receive a whole request, headers and body (default 30 000 ms); slower clients
   * get 408 and are disconnected. Checked every second at most, so a cut comes within a second of it.
   */
  requestTimeoutMs?: number;
  /** Strips what the privacy mode forbids from a body before it is stored (default: keep it as is). */
  prepareBodyForStorage?: PrepareBodyForStorage;
  now?: () => number;
  /** Register `POST /webhooks/zoom` (default true); a `worker`-role process serves no webhook route. */
  webhooks?: boolean;
}

/**
 * Builds the Fastify app with the Zoom webhook route (unless `webhooks: false`), `/healthz`, `/readyz` and `/metrics`. Other
 * routes (the API, the dashboard) are registered on the returned instance before it listens.
 * Webhook deliveries are answered by a `node:http` fast path in front of Fastify (see
 * `webhook-fast-path.ts`); the Fastify route answers the unusual ones, through the same receiver.
 */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    // Node answers 408 and closes a socket whose request (a slow body included) is not complete in
    // time; it checks at `connectionsCheckingInterval` (30 s by default, far too coarse here).
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One log line per refused webhook is written by the route; a line per request would cost
    // throughput and say nothing more.
    logController: new LogController({ disableRequestLogging: true }),
    // Shutdown: close idle keep-alive sockets at once, let in-flight requests finish their commit.
    forceCloseConnections: "idle",
    return503OnClosing: true,
    schemaController: lazySchemaCompilers,
  });
  // A request in flight when the stop began (a long import) leaves its socket idle after its answer,
  // where Node's keep-alive would hold the closing server open for Fastify's 72 s.
  app.addHook("preClose", (done) => {
    app.server.keepAliveTimeout = 1;
    done();
  });
  await app.register(healthRoutes, { store: options.store, inbox: options.inbox, ...(options.doors ? { doors: options.doors } : {}) });
  await app.register(metricsRoute, { metrics: options.metrics });
  if (options.webhooks === false) return app;
  const receiver = createWebhookReceiver({
    verifier: options.verifier,
    inbox: options.inbox,
    metrics: options.metrics,
    logger: app.log,
    prepareBodyForStorage: options.prepareBodyForStorage,
    now: options.now,
  });
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  await app.register(webhookRoute, { receiver, bodyLimitBytes });
  let closing = false;
  // Runs as `close()` begins, when Fastify starts answering 503 itself.
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  serveWebhooksFirst(app.server, { receiver, bodyLimitBytes, closing: () => closing });
  return app;
}
