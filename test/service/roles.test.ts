/**
 * Roles (ROLLCALL_ROLE / --role) on one PostgreSQL database: two `ingest` processes take a webinar's
 * webhooks under load and only store them (nothing is processed while no worker runs); two `worker`
 * processes, which serve no webhook route, then process the inbox concurrently. Every event is
 * applied once and the attendance equals what one pipeline computes from the same inbox.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { webinarStream } from "../../bench/pipeline/webinar-stream.js";
import { loadLinks } from "../../src/directory/load-links.js";
import { reprocess } from "../../src/pipeline/index.js";
import { openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "../support/databases.js";
import { rollcallCli } from "../support/rollcall-cli.js";
import { startServeProcess, stopServeProcesses, webinarUserFile, type ServeProcess } from "../support/serve-process.js";
import { derivedSnapshot } from "../pipeline/support/derived-snapshot.js";
import { testSecret } from "../pipeline/support/start-test-rollcall.js";
import { postSigned } from "../pipeline/support/zoom-webhooks.js";

const run = promisify(execFile);

/**
 * Posts every body as Zoom does, retrying a 503 (the inbox could not commit in time, which an
 * overloaded machine can cause) a few times after a pause; any other refusal fails the test.
 */
async function deliverAll(baseUrls: readonly string[], bodies: readonly unknown[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, r) => {
      while (next < bodies.length) {
        const i = next++;
        for (let attempt = 1; ; attempt++) {
          try {
            await postSigned(baseUrls[(i + r) % baseUrls.length]!, testSecret, bodies[i]);
            break;
          } catch (error) {
            if (!/answered 503/.test(String(error)) || attempt === 10) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      }
    }),
  );
}
const stream = webinarStream({ participants: 300, seed: 12, accountId: "ACCT-roles" });

describePostgres("roles: two ingest and two worker processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  let store: RollcallDatabase;
  const children: ChildProcess[] = [];
  let ingest: ServeProcess[];
  let workers: ServeProcess[];
  let afterIngest: { pending: number; stored: number; instances: number };
  let byRoles: Record<string, unknown[]>;

  const statusCounts = async (): Promise<Record<string, number>> => {
    const rows = await store.db.selectFrom("inbox_events").select(["status"]).execute();
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    const began = Date.now();
    const phase = (name: string): void => void process.stderr.write(`roles test: ${name} after ${Date.now() - began} ms\n`);
    database = await createTestDatabase("postgres");
    await run(process.execPath, [...rollcallCli, "migrate", "--database-url", database.url]);
    await run(process.execPath, [...rollcallCli, "users", "import", webinarUserFile(stream), "--database-url", database.url]);
    store = await openDatabase(database.url);

    phase("database ready");
    ingest = await Promise.all([0, 1].map(() => startServeProcess(database.url, testSecret, ["--role", "ingest"])));
    children.push(...ingest.map((s) => s.child));
    phase("ingest processes listening");
    // Most of the webinar arrives before any worker runs; the rest while the workers process.
    const split = Math.floor(stream.bodies.length * 0.7);
    await deliverAll(
      ingest.map((s) => s.baseUrl),
      stream.bodies.slice(0, split),
      24,
    );
    // An ingest process only stores: give a (wrongly) running pipeline time to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    const counts = await statusCounts();
    const instances = await store.db.selectFrom("instances").select("instance_uuid").execute();
    afterIngest = { pending: counts["pending"] ?? 0, stored: Object.values(counts).reduce((a, b) => a + b, 0), instances: instances.length };

    phase(`${afterIngest.stored} deliveries stored by the ingest processes`);
    workers = await Promise.all([0, 1].map(() => startServeProcess(database.url, testSecret, ["--role", "worker"])));
    children.push(...workers.map((s) => s.child));
    await deliverAll(
      ingest.map((s) => s.baseUrl),
      stream.bodies.slice(split),
      24,
    );
    phase("workers listening, the rest posted");
    const deadline = Date.now() + 90_000;
    const marked = async () => Number((await store.db.selectFrom("instances").select((eb) => eb.fn.countAll<number>().as("n")).where("needs_resolve", ">", 0).executeTakeFirstOrThrow()).n);
    // Drained: nothing pending, and no instance still marked for re-resolution (the user import marks them).
    while (((await statusCounts())["pending"] ?? 0) > 0 || (await marked()) > 0) {
      if (Date.now() > deadline) throw new Error("events still pending 90 s after the workers started");
      await new Promise((r) => setTimeout(r, 100));
    }
    phase("inbox drained");
    byRoles = await derivedSnapshot(store.db);
  }, 600_000);

  afterAll(async () => {
    await stopServeProcesses(children);
    await store?.close();
    await database?.drop();
  });

  it("ingest processes store every delivery and process none of it", async () => {
    expect(afterIngest).toEqual({ pending: afterIngest.stored, stored: afterIngest.stored, instances: 0 });
    expect(afterIngest.stored).toBeGreaterThan(400);
  });

  it("a worker serves no webhook route, only health, readiness and metrics", async () => {
    const refused = await postSigned(workers[0]!.baseUrl, testSecret, stream.bodies[0]).catch((error: Error) => error);
    expect(String(refused)).toMatch(/answered 404/);
    expect((await fetch(`${workers[0]!.baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${workers[1]!.baseUrl}/metrics`)).status).toBe(200);
  });

  it("the workers applied every stored event once, and the attendance equals one pipeline's", async () => {
    const counts = await statusCounts();
    expect(Object.keys(counts)).toEqual(["done"]);
    const instance = await store.db.selectFrom("instances").select(["event_count", "status"]).executeTakeFirstOrThrow();
    expect(instance).toEqual({ event_count: counts["done"], status: "ended" });
    expect(byRoles["attendance"]!.length).toBeGreaterThan(200);
    // One pipeline alone: the worker processes stop first, so none of them takes part in the rebuild.
    await stopServeProcesses(workers.map((w) => w.child));
    const single = await reprocess(store, { loadLinks });
    expect(single.parked).toBe(0);
    expect(await derivedSnapshot(store.db)).toEqual(byRoles);
  }, 120_000);
});
