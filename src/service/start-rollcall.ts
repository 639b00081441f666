import { hostname } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { dashboardSecretFile, ensureGeneratedSecret, joinTokenSecretFile, webhookSecretFile, type Config } from "../config/index.js";
import { guardApiScope, registerApi, type ApiDeps, type ApiRouteGroup } from "../http/api/index.js";
import { dashboard } from "../http/dashboard/index.js";
import { createApp, createMetrics, webhookPath, type RollcallMetrics } from "../http/index.js";
import type { PrepareBodyForStorage } from "../ingest/index.js";
import { createPipeline, settleInstances, type Pipeline } from "../pipeline/index.js";
import { countPendingInboxEvents, createInboxWriter, type InboxWriter } from "../store/inbox/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../store/index.js";
import { createBodyPreparer, privacySettingsFromConfig } from "../zoom/privacy/index.js";
import { createWebhookVerifier, webhookSecretsFrom } from "../zoom/webhook/index.js";
import { createDoorBoard, type Worker, type WorkerContext } from "../runtime/index.js";
import { pipelineOptionsFromConfig } from "./pipeline-from-config.js";
import { zoomApiFromConfig } from "../zoom/api/index.js";
import { meetingSdkFromConfig } from "../zoom/sdk/sdk-credentials.js";

/** After SIGTERM or SIGINT, the longest a graceful stop may take before the process exits anyway. */
const stopGraceMs = 10_000;
/** SQLite: longest lock wait on the event loop's own connection (see the comment where it is set). */
const serviceSqliteBusyTimeoutMs = 200;
/** SQLite: longest lock wait of an inbox commit on its thread, inside the 2.5 s commit timeout. */
const inboxLockWaitMs = 2000;

export type { Worker, WorkerContext } from "../runtime/index.js";

export interface StartRollcallOptions {
  /** Started after migrations, stopped (in reverse order) after the last in-flight commit. */
  workers?: Worker[];
  /** Defaults to a pino logger on stdout at `config.logLevel`. */
  logger?: Logger;
  /**
   * What the inbox keeps of a verified body. Default: under `ROLLCALL_PRIVACY=hash|drop` the privacy
   * mode's filter (names and e-mails hashed or blanked before anything is stored), under `store`
   * the raw body.
   */
  prepareBodyForStorage?: PrepareBodyForStorage;
  /** More routes (dashboard pages), registered before the app listens (and before the API). */
  routes?: Array<(app: FastifyInstance, context: WorkerContext) => void | Promise<void>>;
  /** More `/api/v1` route groups (authenticated, rate limited, in the OpenAPI document), after Rollcall's own. */
  apiRoutes?: ApiRouteGroup[];
  /** The built dashboard front end to serve at `/` (default `web/dist`). */
  webRoot?: string;
  /** Stop gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** Where the one-time secret announcement and the listening line go (default: stdout, not the log). */
  print?: (text: string) => void;
}

/** A started service. */
export interface RunningRollcall {
  /** Base URL it listens on, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  app: FastifyInstance;
  store: RollcallDatabase;
  inbox: InboxWriter;
  metrics: RollcallMetrics;
  logger: Logger;
  /** Stops gracefully (idempotent): stop accepting, finish in-flight commits, stop workers, close the database. */
  stop(): Promise<void>;
  /** Resolves when the service has stopped, however that was triggered. */
  stopped: Promise<void>;
}

/**
 * The composition root: opens and migrates the database, builds the webhook verifier, the inbox
 * writer and the HTTP app, starts the workers and listens. Under `config.role` `worker` the app
 * has no webhook route (health, readiness and metrics only); which workers run is the caller's
 * choice (`createRollcall` and `rollcall serve` run the pipeline, reconciliation and webhook sender
 * as the role says; here only `options.workers` run). With no webhook secret configured it
 * generates one into the data directory and prints it once, with the endpoint URL.
 *
 * @example
 * const config = loadConfig();
 * const stored: Worker = {
 *   name: "stored-counter",
 *   start: ({ inbox, logger }) => void inbox.onCommitted((ids) => logger.info({ stored: ids.length }, "webhooks stored")),
 *   stop: () => {},
 * };
 * const rollcall = await startRollcall(config, { workers: [stored] });
 * // … later
 * await rollcall.stop();
 */
export async function startRollcall(config: Config, options: StartRollcallOptions = {}): Promise<RunningRollcall> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: "rollcall" } });
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));

  // A worker serves no webhook route: it needs no secret, and announcing one would mislead.
  const servesWebhooks = config.role !== "worker";
  const generated = servesWebhooks ? resolveSecrets(config) : undefined;
  const secrets = webhookSecretsFrom({ webhookSecrets: generated ? [generated.value] : config.webhookSecrets, zoomApps: config.zoomApps });
  if (generated && !generated.created) {
    logger.info({ file: generated.path }, "using the webhook secret generated earlier in the data directory");
  }

  const store = await openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  const workers: Worker[] = [];
  try {
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
  } catch (error) {
    await store.close();
    throw error;
  }
  // SQLite: a lock wait on the store's connection (the pipeline's write transactions) blocks the
  // event loop, so it must stay far below the webhook answer budget; the pipeline retries a batch
  // that found the lock taken (a CLI import's chunk). The inbox commits on its own thread and may
  // wait longer there (`lockWaitMs` below), since that blocks nothing.
  store.sqlite?.pragma(`busy_timeout = ${serviceSqliteBusyTimeoutMs}`);

  // From the config, so every embedding (not only `rollcall serve`) honours the privacy mode.
  const prepareBodyForStorage =
    options.prepareBodyForStorage ?? (config.privacy !== "store" ? createBodyPreparer(privacySettingsFromConfig(config)) : undefined);

  const metrics = createMetrics();
  metrics.trackInboxDepth(() => countPendingInboxEvents(store.db));
  const inbox = createInboxWriter(store, { onCommit: metrics.observeCommit, onStoredLate: metrics.countStoredLate, lockWaitMs: inboxLockWaitMs });
  const verifier = createWebhookVerifier({ secrets, toleranceSeconds: config.webhookToleranceSeconds });
  const doors = createDoorBoard();
  if (servesWebhooks) doors.set("webhook", "open");
  const app = await createApp({
    doors,
    store,
    inbox,
    verifier,
    metrics,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    webhooks: servesWebhooks,
    requestTimeoutMs: config.requestTimeoutSeconds * 1000,
    ...(prepareBodyForStorage ? { prepareBodyForStorage } : {}),
  });
  const context: WorkerContext = { config, store, inbox, logger, metrics, doors };
  // Before any other route: nothing may answer under /api without a key.
  guardApiScope(app);

  const stopRequested = new AbortController();
  let address: string;
  try {
    const dashboardSecret = config.dashboardSecret ?? ensureGeneratedSecret(config.dataDir, dashboardSecretFile, 32).value;
    await app.register(dashboard, {
      store,
      secret: dashboardSecret,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    });
    for (const route of options.routes ?? []) await route(app, context);
    await registerApi(app, { ...apiDeps(config, store), dashboardSecret, stopping: stopRequested.signal }, { groups: options.apiRoutes ?? [] });
    for (const worker of options.workers ?? []) {
      await worker.start(context);
      workers.push(worker);
      logger.info({ worker: worker.name }, "worker started");
    }
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await shutdown(app, inbox, workers, store, logger).catch(() => {});
    throw error;
  }

  const port = (app.server.address() as { port: number }).port;
  const url = localUrl(config.host, port);
  const endpoint = webhookEndpoints(config, url, port);
  if (generated?.created) print(announcement(generated.value, generated.path, endpoint));
  // Last: tools (and tests) wait for this line to know the service is up.
  print(`Rollcall listening on ${url} (${servesWebhooks ? `Zoom webhook endpoint: ${endpoint}` : "role worker: no webhook route"})`);
  print(`Doors for Zoom's events: ${describeDoors(doors.snapshot())}`);
  logger.info({ address, role: config.role, doors: doors.snapshot() }, "rollcall started");

  const { stop, stopped } = stopControl(() => {
    stopRequested.abort();
    return shutdown(app, inbox, workers, store, logger);
  }, logger, options.handleSignals ?? true);
  return { url, port, app, store, inbox, metrics, logger, stop, stopped };
}

/**
 * `stop` (idempotent) and `stopped`, and with `handleSignals` a stop on SIGTERM and SIGINT. A
 * supervisor must be able to count on the signal: whatever still runs after the grace period (a
 * stuck database call), the process exits; a second signal exits at once. What was acknowledged
 * is stored already.
 */
function stopControl(shutdownOnce: () => Promise<void>, logger: Logger, handleSignals: boolean): { stop: () => Promise<void>; stopped: Promise<void> } {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= shutdownOnce().finally(() => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      resolveStopped();
    });
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, "stopping now: a second signal");
      process.exit(1);
    }
    logger.info({ signal }, "stopping gracefully");
    setTimeout(() => {
      logger.error({ signal, graceMs: stopGraceMs }, "graceful stop took too long; exiting");
      process.exit(1);
    }, stopGraceMs).unref();
    stop().catch((error: unknown) => logger.error({ errorCode: (error as { code?: string }).code }, "shutdown failed"));
  };
  if (handleSignals) {
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }
  return { stop, stopped };
}

/** What the API works with: the database, Zoom and Meeting SDK clients (or why not), the join-token key. */
function apiDeps(config: Config, store: RollcallDatabase): ApiDeps {
  const zoom = zoomApiFromConfig(config);
  const sdk = meetingSdkFromConfig(config);
  let pipeline: Pipeline | undefined;
  return {
    db: store.db,
    store,
    dialect: store.dialect,
    config,
    // A manual link answers with attendance that already counts it.
    settle: async (instanceUuids) => {
      pipeline ??= createPipeline(store, pipelineOptionsFromConfig(config));
      await settleInstances(store, pipeline, instanceUuids);
    },
    zoom: zoom.ok ? { ok: true, client: zoom.client } : { ok: false, message: zoom.error.message },
    sdk: sdk.ok ? { ok: true, credentials: sdk.credentials } : { ok: false, message: sdk.error.message },
    joinTokenSecret: config.joinTokenSecret ?? ensureGeneratedSecret(config.dataDir, joinTokenSecretFile, 32).value,
  };
}

/** With no webhook secret configured at all, the one generated into the data directory (created on first start). */
function resolveSecrets(config: Config): { value: string; created: boolean; path: string } | undefined {
  if (config.webhookSecrets.length > 0 || config.zoomApps.some((app) => app.secretTokens.length > 0)) return undefined;
  return { ...ensureGeneratedSecret(config.dataDir, webhookSecretFile), path: join(config.dataDir, webhookSecretFile) };
}

/** Stop accepting (in-flight requests finish, each after its commit), flush the inbox, stop workers, close the database. */
async function shutdown(app: FastifyInstance, inbox: InboxWriter, workers: Worker[], store: RollcallDatabase, logger: Logger): Promise<void> {
  await app.close();
  logger.debug("stopping: no request in flight");
  await inbox.close();
  logger.debug("stopping: inbox closed");
  for (const worker of [...workers].reverse()) {
    try {
      await worker.stop();
      logger.debug({ worker: worker.name }, "stopping: worker stopped");
    } catch (error) {
      logger.error({ worker: worker.name, errorCode: (error as { code?: string }).code ?? "error" }, "worker failed to stop");
    }
  }
  await store.close();
  logger.info("rollcall stopped");
}

/** "webhook (POST /webhooks/zoom), websocket:SUB (connecting)": which ways in are open, for the banner. */
function describeDoors(doors: Record<string, string>): string {
  const entries = Object.entries(doors).map(([door, state]) => (door === "webhook" ? `webhook (POST ${webhookPath})` : `${door} (${state})`));
  return entries.length > 0 ? entries.join(", ") : "none in this process (role worker)";
}

function localUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * The webhook URL, said once: the one to paste into Zoom (`ROLLCALL_PUBLIC_URL` + path, else this
 * machine's name and port), with the local one as "also" when it differs (what the emulator and
 * `simulate` on this machine post to).
 */
function webhookEndpoints(config: Config, localBase: string, port: number): string {
  const host = config.host === "0.0.0.0" || config.host === "::" ? hostname() : config.host;
  const zoom = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, "")}${webhookPath}` : `http://${host.includes(":") ? `[${host}]` : host}:${port}${webhookPath}`;
  const local = `${localBase}${webhookPath}`;
  return zoom === local ? zoom : `${zoom} (also ${local})`;
}

function announcement(secret: string, path: string, endpoint: string): string {
  return [
    "",
    "Rollcall generated a webhook secret token. It is shown this once (kept in " + path + "):",
    "",
    `  Secret Token:  ${secret}`,
    `  Endpoint URL:  ${endpoint}`,
    "",
    "Zoom: Marketplace > your app > Features > Event Subscriptions > Event notification endpoint URL.",
    "Zoom shows its own Secret Token on that page; put it in ZOOM_WEBHOOK_SECRET_TOKEN (comma-separate",
    "several while rotating). The generated token above signs deliveries from Rollcall's emulator.",
    ...(endpoint.startsWith("https://") ? [] : ["Zoom requires a public https URL: set ROLLCALL_PUBLIC_URL to print the exact one."]),
    "",
  ].join("\n");
}
