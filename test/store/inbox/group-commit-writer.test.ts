import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMetrics } from "../../../src/http/index.js";
import { createInboxWriter, InboxRefusedError, InboxUnavailableError, type NewInboxEvent } from "../../../src/store/inbox/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../../src/store/index.js";
import { eachDatabase, type TestDatabase } from "../../support/databases.js";
import { startOutage } from "../../http/support/database-outage.js";

let sequence = 0;
function event(key = `key-${++sequence}`): NewInboxEvent {
  return { dedupeKey: key, event: "meeting.ended", accountId: "a", instanceUuid: "u==", body: `{"n":${sequence}}`, headers: { "user-agent": "t" }, receivedAt: 1, eventTs: null };
}

// SQLite file databases commit on a worker thread by default; the in-thread path is kept (and tested)
// for when a thread cannot share the database. PostgreSQL ignores the option.
for (const commitThread of [true, false]) eachDatabase(`inbox group-commit writer (commitThread: ${commitThread})`, (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it("commits concurrent deliveries in shared transactions and answers each after its commit", async () => {
    const commits: number[] = [];
    const inbox = createInboxWriter(store, { commitThread, onCommit: ({ ok, size }) => ok && commits.push(size) });
    const events = Array.from({ length: 300 }, () => event());
    const results = await Promise.all(
      events.map(async (e) => {
        const result = await inbox.append(e);
        // Already visible to another reader: it was committed before the promise resolved.
        return { result, visible: await store.db.selectFrom("inbox_events").select("id").where("dedupe_key", "=", e.dedupeKey).executeTakeFirst() };
      }),
    );
    for (const { result, visible } of results) {
      expect(result.duplicate).toBe(false);
      expect(visible?.id).toBe(result.id);
    }
    expect(commits.reduce((a, b) => a + b, 0)).toBe(300);
    expect(commits.length).toBeLessThan(30);
    await inbox.close();
  });

  it("stores a redelivery once: within one batch and across batches", async () => {
    const inbox = createInboxWriter(store, { commitThread });
    const [a, b, c] = await Promise.all([inbox.append(event("dup")), inbox.append(event("dup")), inbox.append(event("dup"))]);
    expect([a, b, c].map((r) => r.duplicate)).toEqual([false, true, true]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    const d = await inbox.append(event("dup"));
    expect(d).toEqual({ id: a.id, duplicate: true });
    const row = await store.db.selectFrom("inbox_events").selectAll().where("dedupe_key", "=", "dup").execute();
    expect(row).toHaveLength(1);
    expect(row[0]!.deliveries).toBe(4);
    await inbox.close();
  });

  it("tells listeners the ids of newly stored events after commit, never of redeliveries", async () => {
    const inbox = createInboxWriter(store, { commitThread });
    const seen: number[][] = [];
    const off = inbox.onCommitted((ids) => seen.push(ids));
    const fresh = await Promise.all([inbox.append(event()), inbox.append(event()), inbox.append(event("dup"))]);
    expect(seen.flat().sort()).toEqual(fresh.slice(0, 2).map((r) => r.id).sort());
    off();
    await inbox.append(event());
    expect(seen.flat()).toHaveLength(2);
    await inbox.close();
  });

  it("finishes queued deliveries on close, then refuses new ones", async () => {
    const inbox = createInboxWriter(store, { commitThread });
    const pending = Array.from({ length: 50 }, () => inbox.append(event()));
    await inbox.close();
    expect((await Promise.all(pending)).every((r) => r.id > 0)).toBe(true);
    await expect(inbox.append(event())).rejects.toThrow(InboxUnavailableError);
  });

  it("rejects with InboxUnavailableError while the database is down, then recovers", async () => {
    const failures: boolean[] = [];
    const inbox = createInboxWriter(store, { commitThread, onCommit: ({ ok }) => failures.push(ok) });
    const outage = await startOutage(store, database().url);
    try {
      const error = await inbox.append(event()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InboxUnavailableError);
      expect(inbox.healthy).toBe(false);
    } finally {
      await outage.end();
    }
    expect((await inbox.append(event())).duplicate).toBe(false);
    expect(inbox.healthy).toBe(true);
    expect(failures).toContain(false);
    await inbox.close();
  });

  it("answers 'unavailable' when no commit comes within the timeout", async () => {
    const inbox = createInboxWriter(store, { commitThread, commitTimeoutMs: 1 });
    const results = await Promise.allSettled(Array.from({ length: 2000 }, () => inbox.append(event())));
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "timeout" });
    await inbox.close();
  });

  it("keeps the event loop turning during a SQLite commit only when it commits on its thread", async () => {
    const inbox = createInboxWriter(store, { commitThread });
    const order: string[] = [];
    const appended = Promise.all(Array.from({ length: 500 }, () => inbox.append(event()))).then(() => order.push("committed"));
    // Queued after the writer's own setImmediate, which starts the commit.
    setImmediate(() => order.push("loop turned"));
    await appended;
    await new Promise((resolve) => setImmediate(resolve));
    // In-thread, the SQLite commit runs synchronously inside the writer's callback; on its own thread,
    // and on PostgreSQL (a network round trip) either way, the loop turns first.
    const blocksTheLoop = database().dialect === "sqlite" && !commitThread;
    expect(order).toEqual(blocksTheLoop ? ["committed", "loop turned"] : ["loop turned", "committed"]);
    await inbox.close();
  });

  it("isolates a delivery the database refuses: the rest of its batch commits, the writer stays healthy", async () => {
    const inbox = createInboxWriter(store, { commitThread });
    const good = Array.from({ length: 40 }, () => event());
    // A NOT NULL violation fails on both databases; PostgreSQL's btree also refuses an entry over ~2.7 kB.
    const poisons: NewInboxEvent[] = [{ ...event(), event: null as unknown as string }];
    if (store.dialect === "postgres") poisons.push({ ...event(), instanceUuid: randomBytes(7500).toString("base64") });
    const all = [...good.slice(0, 13), poisons[0]!, ...good.slice(13, 31), ...poisons.slice(1), ...good.slice(31)];
    const results = await Promise.allSettled(all.map((e) => inbox.append(e)));
    const byKey = new Map(all.map((e, i) => [e.dedupeKey, results[i]!]));
    for (const e of good) expect(byKey.get(e.dedupeKey)).toMatchObject({ status: "fulfilled", value: { duplicate: false } });
    for (const e of poisons) {
      const outcome = byKey.get(e.dedupeKey)!;
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(InboxRefusedError);
    }
    const stored = await store.db.selectFrom("inbox_events").select("dedupe_key").where("dedupe_key", "in", all.map((e) => e.dedupeKey)).execute();
    expect(stored.map((r) => r.dedupe_key).sort()).toEqual(good.map((e) => e.dedupeKey).sort());
    expect(inbox.healthy).toBe(true);
    await inbox.close();
  });
});

/**
 * Holds the inbox's write lock from another connection for `ms`; resolves once it is held, with a
 * promise of its release. SQLite: a second connection's write transaction; PostgreSQL: a table lock.
 */
async function holdInboxLock(database: TestDatabase, ms: number): Promise<{ released: Promise<void> }> {
  if (database.dialect === "sqlite") {
    const other = new BetterSqlite3(database.url.slice("sqlite:".length));
    other.exec("begin immediate");
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec("commit");
        other.close();
        resolve();
      }, ms),
    );
    return { released };
  }
  const other = await openDatabase(database.url);
  let held!: () => void;
  const locked = new Promise<void>((resolve) => (held = resolve));
  const released = other.db
    .transaction()
    .execute(async (trx) => {
      await sql`lock table inbox_events in exclusive mode`.execute(trx);
      held();
      await new Promise((resolve) => setTimeout(resolve, ms));
    })
    .finally(() => other.close());
  await locked;
  return { released };
}

// The default path of each database (SQLite commits on its thread: a lock wait there leaves the
// event loop free to answer, and to release the lock).
eachDatabase("inbox group-commit writer: a commit that outlasts the ack timeout", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it("answers unavailable, stores the delivery when the commit goes through, and counts it as stored late", async () => {
    const metrics = createMetrics();
    const inbox = createInboxWriter(store, { commitTimeoutMs: 200, lockWaitMs: 10_000, onStoredLate: metrics.countStoredLate });
    const { released } = await holdInboxLock(database(), 1000);
    const late = event();
    await expect(inbox.append(late)).rejects.toMatchObject({ code: "timeout" });
    await released;
    await inbox.close();
    expect(await store.db.selectFrom("inbox_events").select("id").where("dedupe_key", "=", late.dedupeKey).executeTakeFirst()).toBeDefined();
    expect(await metrics.registry.metrics()).toMatch(/^rollcall_webhook_stored_after_unavailable_total 1$/m);
    // Zoom's retry of it is a duplicate.
    const retry = createInboxWriter(store);
    expect(await retry.append({ ...late })).toMatchObject({ duplicate: true });
    await retry.close();
  });
});
