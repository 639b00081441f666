/**
 * Several `rollcall serve` processes on one PostgreSQL database receive a webinar's events at random
 * and process them concurrently: every event is applied once (none skipped, none twice), and the
 * rows equal what one pipeline computes from the same inbox.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLinks } from "../../src/directory/load-links.js";
import { reprocess } from "../../src/pipeline/index.js";
import { openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { webinarStream } from "../../bench/pipeline/webinar-stream.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "../support/databases.js";
import { derivedSnapshot } from "./support/derived-snapshot.js";
import { testSecret } from "./support/start-test-rollcall.js";
import { postAll } from "./support/zoom-webhooks.js";
import { rollcallCli } from "../support/rollcall-cli.js";
import { startServeProcess, stopServeProcesses, webinarUserFile } from "../support/serve-process.js";

const run = promisify(execFile);
const stream = webinarStream({ participants: 800, seed: 11, accountId: "ACCT-multi" });

describePostgres("pipeline: many servers on one PostgreSQL database", () => {
  let database: TestDatabase;
  let store: RollcallDatabase;
  const servers: ChildProcess[] = [];
  let concurrent: Record<string, unknown[]>;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await run("node", [...rollcallCli, "migrate", "--database-url", database.url]);
    await run("node", [...rollcallCli, "users", "import", webinarUserFile(stream), "--database-url", database.url]);
    const started = await Promise.all([startServeProcess(database.url, testSecret), startServeProcess(database.url, testSecret), startServeProcess(database.url, testSecret)]);
    servers.push(...started.map((s) => s.child));
    await postAll(started.map((s) => s.baseUrl), testSecret, stream.bodies, 24);
    store = await openDatabase(database.url);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pending = await store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending").limit(1).execute();
      if (pending.length === 0) break;
      if (Date.now() > deadline) throw new Error("events still pending after 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    concurrent = await derivedSnapshot(store.db);
  }, 240_000);

  afterAll(async () => {
    await stopServeProcesses(servers);
    await store?.close();
    await database?.drop();
  });

  it("applied every stored event exactly once", async () => {
    const rows = await store.db.selectFrom("inbox_events").select(["status"]).execute();
    expect(rows.every((r) => r.status === "done")).toBe(true);
    const instance = await store.db.selectFrom("instances").select(["event_count", "status"]).executeTakeFirstOrThrow();
    expect(instance).toEqual({ event_count: rows.length, status: "ended" });
    expect(concurrent["attendance"]!.length).toBeGreaterThan(500);
  });

  it("computed what one pipeline computes from the same inbox", async () => {
    const single = await reprocess(store, { loadLinks });
    expect(single.parked).toBe(0);
    expect(await derivedSnapshot(store.db)).toEqual(concurrent);
  }, 120_000);
});
