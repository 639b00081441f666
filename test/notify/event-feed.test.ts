import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventFeed, startPosition } from "../../src/notify/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";

/** A notify_events row as `recordEvents` writes it. */
const row = (type: string) => ({ account_id: "acct", instance_uuid: "I-feed", type, once_key: null, body: JSON.stringify({ type }), created_at: Date.now() });

/** Runs `work` in a transaction that stays open until the returned `finish` is called (commit, or roll back with `false`). */
async function openTransaction(store: RollcallDatabase, work: (trx: RollcallDatabase["db"]) => Promise<void>): Promise<(commit?: boolean) => Promise<void>> {
  let release!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (release = resolve));
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = store.db
    .transaction()
    .execute(async (trx) => {
      await work(trx);
      started();
      if (!(await decided)) throw new Error("rolled back on purpose");
    })
    .catch((error: Error) => {
      if (error.message !== "rolled back on purpose") throw error;
    });
  await ready;
  return async (commit = true) => {
    release(commit);
    await done;
  };
}

// SQLite commits one writer at a time, so ids appear in order there; PostgreSQL is where they do not.
describe.runIf(postgresAvailable)("live stream feed on PostgreSQL: ids committed out of order", () => {
  let database: TestDatabase;
  let stores: RollcallDatabase[];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    stores = [await openDatabase(database.url), await openDatabase(database.url)];
    await migrateToLatest(stores[0]!);
  });
  afterAll(async () => {
    for (const s of stores ?? []) await s.close();
    await database?.drop();
  });

  it("waits for an id a transaction still holds instead of passing over it, and passes over a rolled-back one after the wait", async () => {
    const [a, b] = stores as [RollcallDatabase, RollcallDatabase];
    const options = { db: a.db, dialect: "postgres" as const, gapWaitMs: 1500 };
    await a.db.insertInto("notify_events").values(row("instance.started")).execute();
    const feed = createEventFeed(options, await startPosition(options));

    // A takes the lower id and commits late; B takes the next and commits at once.
    const finishA = await openTransaction(a, async (trx) => void (await trx.insertInto("notify_events").values(row("attendee.joined")).execute()));
    await b.db.insertInto("notify_events").values(row("attendance.updated")).execute();
    expect(await feed.next()).toEqual([]); // B's event is visible, but A's id before it is not yet
    // A stream that (re)connects now starts before the missing id, not after B's.
    expect(await startPosition(options)).toBe(feed.position);
    await finishA();
    expect((await feed.next()).map((e) => e.type)).toEqual(["attendee.joined", "attendance.updated"]);

    // A rolled-back insert leaves a gap that never fills: passed over once the wait is up.
    const finishC = await openTransaction(a, async (trx) => void (await trx.insertInto("notify_events").values(row("attendee.left")).execute()));
    await finishC(false);
    await b.db.insertInto("notify_events").values(row("instance.ended")).execute();
    expect(await feed.next()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await feed.next()).map((e) => e.type)).toEqual(["instance.ended"]);
  }, 60_000);
});
