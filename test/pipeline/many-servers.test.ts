/**
 * Several `rollcall serve` processes on one PostgreSQL database receive a webinar's events at random
 * and process them concurrently: every event is applied once (none skipped, none twice), and the
 * rows equal what one pipeline computes from the same inbox.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

const run = promisify(execFile);
const stream = webinarStream({ participants: 800, seed: 11, accountId: "ACCT-multi" });

/** `rollcall users import` rows for the stream's links. */
function userFile(): string {
  const users = new Map<string, { externalId: string; customerKeys: string[]; zoomUserIds: string[]; registrants: Array<{ meetingId: string; registrantId: string }> }>();
  for (const link of stream.links) {
    if (link.method === "manual") continue;
    let user = users.get(link.userId);
    if (!user) users.set(link.userId, (user = { externalId: link.userId, customerKeys: [], zoomUserIds: [], registrants: [] }));
    if (link.method === "customer_key") user.customerKeys.push(link.value);
    if (link.method === "zoom_user_id") user.zoomUserIds.push(link.value);
    if (link.method === "registrant_id") user.registrants.push({ meetingId: link.meetingId!, registrantId: link.value });
  }
  const path = join(mkdtempSync(join(tmpdir(), "rollcall-users-")), "users.json");
  writeFileSync(path, JSON.stringify([...users.values()]));
  return path;
}

function startServer(url: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn("node", ["bin/rollcall.js", "serve", "--port", "0", "--host", "127.0.0.1", "--database-url", url, "--data-dir", mkdtempSync(join(tmpdir(), "rollcall-srv-"))], {
    env: { ...process.env, ZOOM_WEBHOOK_SECRET_TOKEN: testSecret, ROLLCALL_LOG_LEVEL: "warn", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]! });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describePostgres("pipeline: many servers on one PostgreSQL database", () => {
  let database: TestDatabase;
  let store: RollcallDatabase;
  const servers: ChildProcess[] = [];
  let concurrent: Record<string, unknown[]>;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await run("node", ["bin/rollcall.js", "migrate", "--database-url", database.url]);
    await run("node", ["bin/rollcall.js", "users", "import", userFile(), "--database-url", database.url]);
    const started = await Promise.all([startServer(database.url), startServer(database.url), startServer(database.url)]);
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
    for (const child of servers) child.kill("SIGTERM");
    await Promise.all(servers.map((child) => new Promise((r) => (child.exitCode !== null ? r(null) : child.on("exit", r)))));
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
