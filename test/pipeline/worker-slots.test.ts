/**
 * Several pipeline workers on one PostgreSQL database split the inbox by instance: each takes a
 * slot, learns its share, and claims only rows of its instances (and rows nobody took for two
 * minutes). An instance's events then go to one worker, whose cached state stays current.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadLinks } from "../../src/directory/index.js";
import { createPipeline } from "../../src/pipeline/index.js";
import { joinWorkerSlots } from "../../src/pipeline/worker-slots.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "../support/databases.js";

const t0 = Date.UTC(2026, 7, 3, 9, 0, 0);
const instances = Array.from({ length: 12 }, (_, i) => ({ accountId: "ACCT-SLOTS", uuid: `slotInstance${i}==`, meetingId: `8800000000${i % 3}`, topic: `Room ${i}`, start: t0 }));

describePostgres("pipeline workers on PostgreSQL: slots and partitions", () => {
  let database: TestDatabase;
  const stores: RollcallDatabase[] = [];
  const open = async () => {
    const store = await openDatabase(database.url);
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const store = await open();
    await migrateToLatest(store);
    const bodies = instances.flatMap((m) => {
      const z = meetingEvents(m);
      const guest = participant({ user_id: `1677${m.uuid.length}`, participant_uuid: `S0000000-0000-4000-8000-0000000000${m.uuid.slice(12, 14).padStart(2, "0")}`, user_name: "Guest" });
      return [z.started(), z.joined(guest, t0 + minute), z.left(guest, t0 + 20 * minute)];
    });
    await storeInInbox(store, bodies);
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await database?.drop();
  });

  it("gives each worker its own share, and the whole inbox back to one when the other leaves", async () => {
    const [a, b] = [await joinWorkerSlots(await open()), await joinWorkerSlots(await open())];
    const [pa, pb] = [await a!.partition(), await b!.partition()];
    expect([pa, pb].sort((x, y) => x.index - y.index)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    await b!.release();
    await new Promise((r) => setTimeout(r, 1100)); // partitions are re-read at most once a second
    expect(await a!.partition()).toEqual({ index: 0, count: 1 });
    await a!.release();
  });

  it("a worker whose slot connection died (and whose slot another took) takes rows of every instance, not someone else's share", async () => {
    const store = stores[0]!;
    const [a, b] = [await joinWorkerSlots(await open()), await joinWorkerSlots(await open())];
    // This database's slots only: pg_locks spans the server, where other suites' workers run meanwhile.
    const holders = await sql<{ pid: number; slot: number }>`select pid, objid::int as slot from pg_locks
      where locktype = 'advisory' and classid = ${0x524357} and objsubid = 2 and granted
        and database = (select oid from pg_database where datname = current_database())
      order by objid`.execute(store.db);
    expect(holders.rows).toHaveLength(2);
    await sql`select pg_terminate_backend(${holders.rows[0]!.pid})`.execute(store.db); // the first slot's session, as a failover would
    const c = await joinWorkerSlots(await open()); // takes the freed slot
    await new Promise((r) => setTimeout(r, 1100));
    expect(await a!.partition()).toEqual({ index: 0, count: 1 });
    expect([await b!.partition(), await c!.partition()].sort((x, y) => x.index - y.index)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    for (const w of [a, b, c]) await w!.release();
  });

  it("claims only rows of its own instances, every row of them, and leaves the others' rows pending", async () => {
    const store = stores[0]!;
    // Received just now: within the two minutes in which a row waits for its own worker.
    await store.db.updateTable("inbox_events").set({ received_at: Date.now() }).execute();
    const pipeline = createPipeline(store, { loadLinks });
    await pipeline.processInboxBatch({ partition: { index: 0, count: 2 }, limit: 10_000 });
    const rows = await store.db.selectFrom("inbox_events").select(["instance_uuid", "status"]).execute();
    const byInstance = new Map<string, Set<string>>();
    for (const r of rows) byInstance.set(r.instance_uuid!, (byInstance.get(r.instance_uuid!) ?? new Set()).add(r.status));
    // Each instance wholly done or wholly pending, and both kinds exist (12 instances over 2 shares).
    expect([...byInstance.values()].every((s) => s.size === 1)).toBe(true);
    const done = [...byInstance.values()].filter((s) => s.has("done")).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(instances.length);
    // The other share takes exactly the rest.
    await pipeline.processInboxBatch({ partition: { index: 1, count: 2 }, limit: 10_000 });
    const pending = await store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
  });

  it("lets any worker take a row its own worker left for two minutes", async () => {
    const store = stores[0]!;
    await store.db.updateTable("inbox_events").set({ status: "pending", received_at: Date.now() - 3 * minute }).execute();
    await createPipeline(store, { loadLinks }).processInboxBatch({ partition: { index: 0, count: 2 }, limit: 10_000 });
    expect(await store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending").execute()).toEqual([]);
  });
});
