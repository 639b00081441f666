/**
 * Zoom allows one connection per WebSocket subscription: two `rollcall serve` processes on one
 * PostgreSQL database elect one holder, and the other takes over within seconds when the holder
 * is killed (its database session, and with it the advisory lock, dies with it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/rest/server.js";
import { ZoomWorld } from "../../src/emulator/world.js";
import { openDatabase } from "../../src/store/index.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "../support/databases.js";
import { startServeProcess, stopServeProcesses, type ServeProcess } from "../support/serve-process.js";

const subscriptionId = "holder-subscription";

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describePostgres("the WebSocket subscription's holder across processes", () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let processes: ServeProcess[] = [];
  const status = () => emulator.sockets.status().find((s) => s.subscriptionId === subscriptionId)!;
  const doorOf = async (p: ServeProcess): Promise<string | undefined> => {
    const body = (await (await fetch(`${p.baseUrl}/readyz`)).json()) as { doors?: Record<string, string> };
    return body.doors?.[`websocket:${subscriptionId}`];
  };

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const world = new ZoomWorld({ accountId: "holderAccount" });
    emulator = await startEmulator({ world, clientId: "holder-client", clientSecret: "holder-secret", websocketSubscriptions: [subscriptionId] });
    const env = {
      ZOOM_ACCOUNT_ID: "holderAccount",
      ZOOM_CLIENT_ID: "holder-client",
      ZOOM_CLIENT_SECRET: "holder-secret",
      ZOOM_OAUTH_URL: emulator.url,
      ZOOM_API_BASE_URL: emulator.apiBaseUrl,
      ZOOM_WEBSOCKET_URL: emulator.websocketUrl,
      ZOOM_WEBSOCKET_SUBSCRIPTION_ID: subscriptionId,
      ROLLCALL_WEBSOCKET_HEARTBEAT_SECONDS: "0.2",
      ROLLCALL_WEBSOCKET_DEAD_AFTER_SECONDS: "2",
    };
    processes = await Promise.all([startServeProcess(database.url, "holder-webhook-secret", [], env), startServeProcess(database.url, "holder-webhook-secret", ["--role", "ingest"], env)]);
  }, 240_000);
  afterAll(async () => {
    await stopServeProcesses(processes.map((p) => p.child));
    await emulator?.close();
    await database?.drop();
  });

  it("keeps one connection open between two processes, and the other takes over when the holder is killed", async () => {
    await until("one process is connected", () => status().connected);
    // Long enough for a standby to have tried (every 2 s) and been kept out.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(status()).toMatchObject({ connected: true, connections: 1 });
    const doors = await Promise.all(processes.map(doorOf));
    expect([...doors].sort()).toEqual(["connected", "standby"]);

    const holder = processes[doors.indexOf("connected")]!;
    const standby = processes[doors.indexOf("standby")]!;
    const killedAt = Date.now();
    holder.child.kill("SIGKILL");
    await until("the standby connected", async () => status().connected && status().connections === 2 && (await doorOf(standby)) === "connected");
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    processes = [standby];
    // The holder died without a word: the new holder records the stretch since coverage ended.
    const store = await openDatabase(database.url);
    try {
      const gaps = await store.db.selectFrom("websocket_gaps").selectAll().where("ended_at", "is not", null).orderBy("id").execute();
      const takeover = gaps.at(-1)!;
      expect(Number(takeover.started_at)).toBeLessThanOrEqual(killedAt);
      expect(Number(takeover.ended_at)).toBeGreaterThan(killedAt);
    } finally {
      await store.close();
    }
  });
});
