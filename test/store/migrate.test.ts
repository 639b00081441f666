import { spawn } from "node:child_process";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { migrations } from "../../src/store/migrations/index.js";
import { createTestDatabase, eachDatabase } from "../support/databases.js";

eachDatabase("migrations", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
  });
  afterAll(async () => {
    await store.close();
  });

  it("apply once, then report nothing new", async () => {
    expect(await migrateToLatest(store)).toContain("0001-inbox");
    expect(await migrateToLatest(store)).toEqual([]);
  });

  it("give an inbox whose bigint columns read back as numbers", async () => {
    await store.db
      .insertInto("inbox_events")
      .values({ dedupe_key: "k1", event: "meeting.ended", account_id: "a", instance_uuid: "u==", body: "{}", headers: "{}", received_at: 1767254400123, event_ts: null, error: null, processed_at: null })
      .execute();
    const row = await store.db.selectFrom("inbox_events").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id: 1, dedupe_key: "k1", received_at: 1767254400123, deliveries: 1, status: "pending" });
  });

  it("run concurrently from several processes on an empty database, each migration applied exactly once", async () => {
    // A database of its own: the suite's one is already migrated, where "concurrent" would prove nothing.
    // Processes, not connections in this one: better-sqlite3 waits for a lock synchronously, so two
    // connections in one process would block each other's event loop.
    const fresh = await createTestDatabase(database().dialect);
    try {
      // Both processes open the database first, then migrate at the same agreed moment.
      const goAt = Date.now() + 8_000;
      const runs = await Promise.all([1, 2, 3].map(() => runMigrate(fresh.url, goAt)));
      for (const run of runs) expect(run.code, run.output).toBe(0);
      const applied = runs.flatMap((run) => JSON.parse(run.output) as string[]);
      expect(applied.sort()).toEqual(Object.keys(migrations).sort());
      const store = await openDatabase(fresh.url);
      try {
        expect(await migrateToLatest(store)).toEqual([]);
        await store.db.selectFrom("reconciliations").select("instance_uuid").execute();
      } finally {
        await store.close();
      }
    } finally {
      await fresh.drop();
    }
  });
});

it("finds an up-to-date database current without the write lock (held meanwhile by another connection)", async () => {
  const fresh = await createTestDatabase("sqlite");
  // A short lock wait: waiting for the lock would fail with SQLITE_BUSY instead of hanging.
  const store = await openDatabase(fresh.url, { sqliteBusyTimeoutMs: 50 });
  const other = new BetterSqlite3(fresh.url.slice("sqlite:".length));
  try {
    expect(await migrateToLatest(store)).toContain("0001-inbox");
    other.exec("begin immediate");
    expect(await migrateToLatest(store)).toEqual([]);
  } finally {
    if (other.inTransaction) other.exec("rollback");
    other.close();
    await store.close();
    await fresh.drop();
  }
});

it("names an unreachable database instead of a migration", async () => {
  const store = await openDatabase("postgres://postgres@127.0.0.1:1/nowhere");
  try {
    await expect(migrateToLatest(store)).rejects.toThrow(/^database postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere: could not be reached to migrate \(ECONNREFUSED/);
  } finally {
    await store.close();
  }
});

/** `test/store/support/migrate-at.ts` in a child process. */
function runMigrate(url: string, goAt: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support", "migrate-at.ts"), url, String(goAt)], {
    env: { PATH: process.env["PATH"] ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}
