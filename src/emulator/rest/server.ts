import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { ZoomWorld, ZoomWorldError } from "../world.js";
import { AccessTokens, sameSecret } from "./access-tokens.js";
import { EmulatorControls, type Fault } from "./controls.js";
import { registerControlRoutes } from "./control-routes.js";
import { registerMeetingRoutes } from "./meeting-routes.js";
import { PAGE_TOKEN_TTL_MS, PageTokens } from "./page-tokens.js";
import { registerReportRoutes } from "./report-routes.js";
import { registerSimulationRoutes } from "./simulation-routes.js";
import { EventSockets } from "../websocket/event-sockets.js";
import { sendZoomError } from "./zoom-error.js";

/** How to build the emulator's REST side. */
export interface EmulatorServerOptions {
  /** The account it serves; its clock (`world.now`) drives token and page-token expiry. */
  world: ZoomWorld;
  /** Server-to-Server OAuth app credentials the emulator accepts at `/oauth/token`. */
  clientId: string;
  clientSecret: string;
  /** Bearer token lifetime in seconds (Zoom: 3600). */
  tokenTtlSeconds?: number;
  /** `next_page_token` lifetime in ms (Zoom: 15 min). */
  pageTokenTtlMs?: number;
  /** Fault queue and counters; pass one to drive it from a test. */
  controls?: EmulatorControls;
  /** Fastify request logging (off by default; tokens are never logged either way). */
  logger?: boolean;
  /** WebSockets Event Subscription ids the event socket accepts (default `emulator-subscription`). */
  websocketSubscriptions?: readonly string[];
}

/** The subscription id the emulator's event socket accepts by default. */
export const DEFAULT_WEBSOCKET_SUBSCRIPTION = "emulator-subscription";

/** A built (not yet listening) emulator. */
export interface EmulatorServer {
  app: FastifyInstance;
  world: ZoomWorld;
  controls: EmulatorControls;
  tokens: AccessTokens;
  /** Zoom's event WebSocket (`/ws`), with its faults on demand. */
  sockets: EventSockets;
}

/**
 * Builds the Fastify app that answers like Zoom's REST API: `/oauth/token` (S2S OAuth) and the
 * `/v2` subset Rollcall uses, with bearer checks, Zoom error bodies, expiring page tokens, 429s and
 * 5xx on demand, and `x-zm-trackingid` on every response. `/_emulator/*` is its own control panel.
 */
export function createEmulatorServer(options: EmulatorServerOptions): EmulatorServer {
  const { world } = options;
  const controls = options.controls ?? new EmulatorControls();
  const tokens = new AccessTokens(world.now, options.tokenTtlSeconds ?? 3600);
  const pageTokens = new PageTokens(world.now, options.pageTokenTtlMs ?? PAGE_TOKEN_TTL_MS);
  const sockets = new EventSockets(tokens, new Set(options.websocketSubscriptions ?? [DEFAULT_WEBSOCKET_SUBSCRIPTION]), world.now);
  const app = Fastify({
    logger: options.logger
      ? { redact: ["req.headers.authorization"], serializers: { req: (req) => ({ method: req.method, url: req.url }) } }
      : false,
  });

  // Zoom's token endpoint takes a form body; Fastify parses only JSON by default.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook("onSend", async (_req, reply) => {
    reply.header("x-zm-trackingid", `v=2.0;clid=emu;rid=${randomBytes(8).toString("hex")}`);
  });

  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/v2/")) return;
    controls.apiRequests++;
    const check = tokens.check(req.headers.authorization);
    if (check !== "ok") {
      controls.unauthorized++;
      return sendZoomError(reply, 401, 124, check === "expired" ? "Access token is expired." : "Invalid access token.");
    }
    const fault = controls.takeFault();
    if (fault) return sendFault(reply, fault);
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof ZoomWorldError) return sendZoomError(reply, error.status, error.code, error.message);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendZoomError(reply, status, 300, (error as Error).message);
    }
    reply.log.error({ err: error }, "emulator route failed");
    return sendZoomError(reply, 500, 500, "Internal error in the Zoom emulator.");
  });

  app.setNotFoundHandler((req, reply) => sendZoomError(reply, 404, 404, `No such API in the emulator: ${req.method} ${req.url.split("?")[0]}`));

  app.post("/oauth/token", async (req, reply) => {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials || !sameSecret(credentials.id, options.clientId) || !sameSecret(credentials.secret, options.clientSecret)) {
      return reply.code(401).send({ reason: "Invalid client_id or client_secret", error: "invalid_client" });
    }
    // Zoom accepts the parameters in the query string or in the form body.
    const params = { ...(req.query as Record<string, string>), ...((req.body as Record<string, string> | undefined) ?? {}) };
    if (params["grant_type"] !== "account_credentials") {
      return reply.code(400).send({ reason: "Unsupported grant type", error: "unsupported_grant_type" });
    }
    if (params["account_id"] !== world.accountId) {
      return reply.code(400).send({ reason: "Invalid account_id", error: "invalid_request" });
    }
    controls.tokenRequests++;
    const issued = tokens.issue();
    return {
      access_token: issued.token,
      token_type: "bearer",
      expires_in: issued.expiresIn,
      // An app without the report scope is told so here too, as Zoom does.
      scope: controls.reportRefusal === "scope" ? "meeting:read:admin meeting:write:admin user:read:admin" : "meeting:read:admin meeting:write:admin report:read:admin user:read:admin",
      api_url: "https://api.zoom.us",
    };
  });

  const ctx = { world, pageTokens, controls };
  registerMeetingRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerControlRoutes(app, { world, controls, tokens });
  registerSimulationRoutes(app, { world, sockets });
  sockets.attach(app.server);
  app.addHook("onClose", () => sockets.close());
  return { app, world, controls, tokens, sockets };
}

/** A listening emulator and the URLs to point a client at. */
export interface RunningEmulator extends EmulatorServer {
  /** e.g. `http://127.0.0.1:9100` — also the OAuth base (`ZOOM_OAUTH_URL`). */
  url: string;
  /** `${url}/v2` (`ZOOM_API_BASE_URL`). */
  apiBaseUrl: string;
  /** `ws://…/ws` (`ZOOM_WEBSOCKET_URL`). */
  websocketUrl: string;
  close(): Promise<void>;
}

/**
 * Builds and starts the emulator on `host:port` (port 0 picks a free one).
 * Point `ZOOM_API_BASE_URL` at its `apiBaseUrl` and `ZOOM_OAUTH_URL` at its `url`.
 */
export async function startEmulator(options: EmulatorServerOptions & { port?: number; host?: string }): Promise<RunningEmulator> {
  const server = createEmulatorServer(options);
  const host = options.host ?? "127.0.0.1";
  await server.app.listen({ port: options.port ?? 0, host });
  const address = server.app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { ...server, url, apiBaseUrl: `${url}/v2`, websocketUrl: `${url.replace(/^http/, "ws")}/ws`, close: () => server.app.close() };
}

function sendFault(reply: FastifyReply, fault: Fault) {
  if (fault.kind === "server_error") return sendZoomError(reply, fault.status, fault.status, "Internal Server Error (injected by the emulator).");
  const retryAfter = fault.retryAfter;
  if ("seconds" in retryAfter) reply.header("retry-after", String(retryAfter.seconds));
  else if ("date" in retryAfter) reply.header("retry-after", retryAfter.date.toUTCString());
  reply.header("x-ratelimit-type", fault.type === "QPS" ? "QPS" : "Daily-limit");
  reply.header("x-ratelimit-remaining", "0");
  const message =
    fault.type === "QPS"
      ? "You have reached the maximum per-second rate limit for this API. Try again later."
      : `You have reached the maximum daily rate limit for this API.${"date" in retryAfter ? ` Retry at ${retryAfter.date.toISOString()}.` : ""}`;
  return sendZoomError(reply, 429, 429, message);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
