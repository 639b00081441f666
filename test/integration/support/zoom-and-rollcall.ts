/**
 * A real Zoom emulator (REST over HTTP, simulator, Zoom-signed webhook sender) next to a real
 * Rollcall (HTTP ingest, inbox, pipeline worker, reconciliation worker) on one test database.
 * Nothing is mocked: Rollcall talks to the emulator over HTTP exactly as it would talk to Zoom.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { sendDeliveries, type SendSummary } from "../../../src/emulator/delivery/webhook-sender.js";
import { startEmulator, type RunningEmulator } from "../../../src/emulator/rest/server.js";
import { parseScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import type { ScenarioInput } from "../../../src/emulator/scenarios/scenario-schema.js";
import { recordInWorld } from "../../../src/emulator/simulator/record-in-world.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";
import type { ScheduledDelivery, Simulation } from "../../../src/emulator/simulator/simulation-types.js";
import { ZoomWorld } from "../../../src/emulator/world.js";
import { importUsers, loadLinks, userImportRowSchema } from "../../../src/directory/index.js";
import { createPipelineWorker, type PipelineWorker } from "../../../src/pipeline/index.js";
import { createReconcileWorker, type ReconcileContext, type ReconcileSettings, type ReconcileWorker } from "../../../src/reconcile/index.js";
import { startRollcall, type RunningRollcall } from "../../../src/service/start-rollcall.js";
import { AccessTokenProvider, ZoomApiClient } from "../../../src/zoom/api/index.js";
import { createWebsocketDoorWorker } from "../../../src/ingest/websocket/index.js";
import type { DoorTiming } from "../../../src/ingest/websocket/subscription-door.js";

export const webhookSecret = "integration-webhook-secret";
/** The emulator's WebSocket subscription in these tests. */
export const subscriptionId = "integration-subscription";

/** WebSocket timing for tests: beats every 100 ms, dead after 1 s of silence, reconnects within 200 ms. */
export const testDoorTiming: Partial<DoorTiming> = {
  heartbeatMs: 100,
  deadAfterMs: 1000,
  handshakeTimeoutMs: 2000,
  backoff: { baseMs: 50, capMs: 200 },
  standbyPollMs: 200,
  coverageEveryMs: 100,
  retryRenewalMs: 200,
};
const clientId = "emulatedClientId";
const clientSecret = "emulatedClientSecret";

/**
 * Fast retries for tests; the deadline is long enough for a test's "not ready, then ready". Live
 * instances count as idle after a day, so only a test that means to see them scheduled does.
 */
export const testReconcileSettings: ReconcileSettings = { delayMs: 0, retryMs: 10, maxRetryMs: 40, deadlineMs: 60 * 60_000, idleMs: 24 * 3_600_000 };

/** How long {@link ZoomAndRollcall.settle} waits for the pipeline: generous, for busy machines. */
export const SETTLE_TIMEOUT_MS = 60_000;

export interface ZoomAndRollcall {
  world: ZoomWorld;
  emulator: RunningEmulator;
  /** Moves the emulated Zoom's clock forward (report availability, token expiry). */
  advanceZoomClock(ms: number): void;
  /** Moves the reconciliation worker's clock forward (schedules, idle time, backoff, deadline); ingest keeps the real one. */
  advanceReconcileClock(ms: number): void;
  zoom: ZoomApiClient;
  rollcall: RunningRollcall;
  pipeline: PipelineWorker;
  reconcile: ReconcileWorker;
  context: ReconcileContext;
  /** Imports app users (the JSON rows `rollcall users import` takes) into the default account. */
  importUsers(rows: unknown[]): Promise<void>;
  /** Simulates a scenario on the emulator (its meeting number must be a world meeting), records it in the world. */
  simulate(scenario: ScenarioInput, seed?: number): Simulation;
  /** Sends deliveries, signed like Zoom, to Rollcall's webhook endpoint as fast as it takes them; waits for the pipeline. */
  deliver(deliveries: readonly ScheduledDelivery[]): Promise<SendSummary>;
  /**
   * Sends deliveries through the emulator's event WebSocket (with `websocket: true`); waits until
   * every one it could deliver is in the inbox and applied. Returns how many were lost (no connection).
   */
  deliverBySocket(deliveries: readonly ScheduledDelivery[]): Promise<{ delivered: number; lost: number }>;
  /**
   * Waits until the pipeline has applied everything committed so far: no inbox row `pending`, no
   * instance marked for re-resolution (bounded by {@link SETTLE_TIMEOUT_MS}). `pipeline.idle()`
   * alone may answer from a round that began before the last commit, which on a busy machine
   * leaves rows unapplied.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts both sides on `databaseUrl`. The reconciliation worker only runs when `reconcile.runOnce()` is called. */
export async function startZoomAndRollcall(
  databaseUrl: string,
  options: { reportDelayMs?: number; reconcileSettings?: Partial<ReconcileSettings>; websocket?: boolean; tokenTtlSeconds?: number; doorTiming?: Partial<DoorTiming> } = {},
): Promise<ZoomAndRollcall> {
  let skew = 0;
  let reconcileSkew = 0;
  const world = new ZoomWorld({ reportDelayMs: options.reportDelayMs ?? 0, now: () => Date.now() + skew });
  const emulator = await startEmulator({ world, clientId, clientSecret, port: 0, websocketSubscriptions: [subscriptionId], ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}) });
  const zoom = new ZoomApiClient({ accountId: world.accountId, clientId, clientSecret, apiBaseUrl: emulator.apiBaseUrl, oauthUrl: emulator.url });
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: "127.0.0.1",
      databaseUrl,
      webhookSecrets: [webhookSecret],
      dataDir: mkdtempSync(join(tmpdir(), "rollcall-integration-")),
      logLevel: (process.env["ROLLCALL_TEST_LOG"] ?? "silent") as "silent",
    },
  });
  const pipeline = createPipelineWorker({ pipeline: { loadLinks }, pollIntervalMs: 50 });
  const context: ReconcileContext = { zoom, loadLinks, privacy: { privacy: "store" }, now: () => Date.now() + reconcileSkew };
  // A poll interval of an hour: tests drive rounds with runOnce().
  const reconcile = createReconcileWorker({ accountId: world.accountId, context, settings: { ...testReconcileSettings, ...options.reconcileSettings }, pollIntervalMs: 3_600_000 });
  const credentials = { accountId: world.accountId, clientId, clientSecret, oauthUrl: emulator.url };
  const door = options.websocket
    ? [
        createWebsocketDoorWorker({
          subscriptions: [{ app: "default", subscriptionId, credentials }],
          url: emulator.websocketUrl,
          timing: { ...testDoorTiming, ...options.doorTiming },
          keepFrames: true,
          tokens: () => new AccessTokenProvider(credentials, { now: () => Date.now() + skew, sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)) }),
        }),
      ]
    : [];
  const rollcall = await startRollcall(config, { workers: [...door, pipeline, reconcile], handleSignals: false, print: () => {} });
  let socketDeliveries = 0;
  async function settle(): Promise<void> {
    const db = rollcall.store.db;
    const giveUpAt = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      await pipeline.idle();
      const pending = await db.selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
      const marked = await db.selectFrom("instances").select((eb) => eb.fn.countAll<number>().as("n")).where("needs_resolve", ">", 0).executeTakeFirstOrThrow();
      if (Number(pending.n) === 0 && Number(marked.n) === 0) return;
      if (Date.now() > giveUpAt) throw new Error(`settle: after ${SETTLE_TIMEOUT_MS} ms the pipeline still has ${pending.n} pending inbox rows and ${marked.n} marked instances`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return {
    world,
    emulator,
    advanceZoomClock: (ms) => {
      skew += ms;
    },
    advanceReconcileClock: (ms) => {
      reconcileSkew += ms;
    },
    zoom,
    rollcall,
    pipeline,
    reconcile,
    context,
    async importUsers(rows) {
      await importUsers(rollcall.store.db, rows.map((r) => userImportRowSchema.parse(r)), { accountId: "*", privacy: { privacy: "store" } });
    },
    simulate(scenario, seed = 7) {
      const simulation = simulateMeeting(parseScenario(scenario, "test scenario"), { seed });
      recordInWorld(world, simulation);
      return simulation;
    },
    async deliver(deliveries) {
      const summary = await sendDeliveries(deliveries, { target: `${rollcall.url}/webhooks/zoom`, secret: webhookSecret, speed: "max", retryDelaysMs: [] });
      await settle();
      return summary;
    },
    async deliverBySocket(deliveries) {
      let delivered = 0;
      for (const d of deliveries) if (emulator.sockets.deliver(subscriptionId, JSON.stringify(d.body))) delivered++;
      const giveUpAt = Date.now() + SETTLE_TIMEOUT_MS;
      // Every frame delivered is in the inbox: stored, or counted on the row of an earlier delivery.
      const taken = async () => {
        const metric = await rollcall.metrics.registry.getSingleMetric("rollcall_zoom_websocket_messages_total")?.get();
        return (metric?.values ?? []).filter((v) => v.labels["outcome"] === "stored" || v.labels["outcome"] === "duplicate").reduce((sum, v) => sum + v.value, 0);
      };
      while ((await taken()) < socketDeliveries + delivered) {
        if (Date.now() > giveUpAt) throw new Error(`deliverBySocket: ${delivered} delivered, only ${(await taken()) - socketDeliveries} stored`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      socketDeliveries += delivered;
      await settle();
      return { delivered, lost: deliveries.length - delivered };
    },
    settle,
    async stop() {
      await rollcall.stop();
      await emulator.close();
    },
  };
}
