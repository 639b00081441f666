/**
 * Redeliveries the inbox did not recognise when it stored them (another process stored the first
 * copy, or this one before a restart) land as rows of their own; the pipeline merges each into its
 * event's row when it claims it, before the engine: one row per event, every delivery counted there,
 * the derived rows as with one copy, and `reprocess` agrees.
 */
import pg from "pg";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inboxEventFor } from "../../src/ingest/index.js";
import { createPipeline, pipelineMetrics, reprocess } from "../../src/pipeline/index.js";
import { insertInboxEvents, keyHash } from "../../src/store/inbox/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { contentKey } from "../../src/zoom/events/content-key.js";
import { createTestDatabase, describePostgres, eachDatabase, type TestDatabase } from "../support/databases.js";
import { minutesFrom } from "../support/clock.js";
import { derivedSnapshot } from "./support/derived-snapshot.js";
import { startTestRollcall, testSecret } from "./support/start-test-rollcall.js";
import { postSigned, zoomMeeting } from "./support/zoom-webhooks.js";

const t0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const at = minutesFrom(t0);
const meeting = { accountId: "ACCT-late", uuid: "lateDup/1+==", id: "86000000001", topic: "Retries", hostId: "HOSTlate", start: t0 };
const z = zoomMeeting(meeting);
const person = (n: number) => ({ user_id: `1677${n}`, participant_uuid: `D0000000-0000-4000-8000-00000000000${n}`, user_name: `Guest ${n}`, email: "", id: "", registrant_id: "" });
const stream = [z.started(), z.joined(person(1), at(1)), z.joined(person(2), at(2)), z.left(person(1), at(20)), z.left(person(2), at(30)), z.ended(at(40))];

/** Lands bodies as new rows, as a process that never saw them would (distinct keys per call). */
async function land(store: RollcallDatabase, bodies: readonly unknown[], copy: string): Promise<number[]> {
  const events = bodies.map((body) => ({ event: inboxEventFor(JSON.stringify(body), body, { headers: { "x-zm-trackingid": copy }, receivedAt: Date.now() }), deliveries: 1 }));
  return (await insertInboxEvents(store.db, events)).map((row) => Number(row.id));
}

async function rowsByKey(store: RollcallDatabase): Promise<Map<string, Array<{ id: number; deliveries: number; status: string }>>> {
  const rows = await store.db.selectFrom("inbox_events").select(["id", "dedupe_key", "deliveries", "status"]).orderBy("id").execute();
  const byKey = new Map<string, Array<{ id: number; deliveries: number; status: string }>>();
  for (const { dedupe_key, ...row } of rows) byKey.set(dedupe_key, [...(byKey.get(dedupe_key) ?? []), row]);
  return byKey;
}

eachDatabase("pipeline: redeliveries merged when claimed", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("keeps one row per event with every delivery counted on it, and derived rows as with one copy", async () => {
    const registry = new Registry();
    const metrics = pipelineMetrics(registry);
    const pipeline = createPipeline(store, { loadLinks: async () => [], metrics });
    const first = await land(store, stream, "first");
    await pipeline.runUntilIdle();
    const once = await derivedSnapshot(store.db);

    // Copies of applied events, and two copies of one event that share a batch.
    await land(store, stream.slice(1, 4), "retry");
    await land(store, [stream[2]], "again");
    const summary = await pipeline.runUntilIdle();
    expect(summary).toMatchObject({ duplicate: 4, done: 0 });

    const byKey = await rowsByKey(store);
    expect(byKey.size).toBe(stream.length);
    expect([...byKey.values()].map((rows) => rows.map((r) => r.id))).toEqual(first.map((id) => [id]));
    expect(byKey.get(contentKey(stream[2]))).toEqual([{ id: first[2], deliveries: 3, status: "done" }]);
    expect(byKey.get(contentKey(stream[1]))![0]!.deliveries).toBe(2);
    expect(await derivedSnapshot(store.db)).toEqual(once);
    expect((await registry.getSingleMetric("rollcall_pipeline_events_total")!.get()).values).toContainEqual({ labels: { status: "duplicate" }, value: 4 });

    // A copy still pending when reprocess runs is merged by it too; the answer is the same.
    await land(store, [stream[5]], "late");
    const rebuilt = await reprocess(store, { loadLinks: async () => [] });
    expect(rebuilt).toMatchObject({ duplicate: 1, reset: stream.length + 1 });
    expect(await derivedSnapshot(store.db)).toEqual(once);
    expect((await rowsByKey(store)).get(contentKey(stream[5]))).toEqual([{ id: first[5], deliveries: 2, status: "done" }]);
  });
});

eachDatabase("pipeline: a key that only shares its hash", (database) => {
  it("is applied, not merged into the row of the other key", async () => {
    const store = await openDatabase(database().url);
    try {
      await migrateToLatest(store);
      const [otherId] = await land(store, [stream[0]], "other");
      const body = z.joined(person(6), at(6));
      // As if keyHash(this key) were the other key's: the row inbox_keys names holds another event.
      await store.db.insertInto("inbox_keys").values({ key_hash: keyHash(contentKey(body)), inbox_id: otherId! }).execute();
      const [id] = await land(store, [body], "first");
      const summary = await createPipeline(store, { loadLinks: async () => [] }).runUntilIdle();
      expect(summary).toMatchObject({ duplicate: 0, done: 2 });
      expect((await rowsByKey(store)).get(contentKey(body))).toEqual([{ id, deliveries: 1, status: "done" }]);
    } finally {
      await store.close();
    }
  });
});

eachDatabase("pipeline: a redelivery after a restart", (database) => {
  it("is answered 'stored' by the new process, then merged into the first row before the engine", async () => {
    const body = z.joined(person(3), at(3));
    let service = await startTestRollcall(database().url, async () => []);
    const first = (await postSigned(service.url, testSecret, body)) as { status: string; id: number };
    await service.worker.idle();
    await service.stop();
    service = await startTestRollcall(database().url, async () => []);
    try {
      const again = (await postSigned(service.url, testSecret, body)) as { status: string; id: number };
      expect(again.status).toBe("stored");
      expect(again.id).not.toBe(first.id);
      // Recognised now that this process stored it: counted at once on its row (the first one's, if
      // the pipeline merged it there already).
      const third = (await postSigned(service.url, testSecret, body)) as { status: string; id: number };
      expect(third.status).toBe("duplicate");
      expect([again.id, first.id]).toContain(third.id);
      await service.worker.idle();
      const rows = (await rowsByKey(service.rollcall.store)).get(contentKey(body));
      expect(rows).toEqual([{ id: first.id, deliveries: 3, status: "done" }]);
      const instance = await service.rollcall.store.db.selectFrom("instances").select("event_count").where("instance_uuid", "=", meeting.uuid).executeTakeFirstOrThrow();
      expect(instance.event_count).toBe(1);
    } finally {
      await service.stop();
    }
  });
});

describePostgres("pipeline: two workers claim copies of one event at once (PostgreSQL)", () => {
  let database: TestDatabase;
  let store: RollcallDatabase;
  let other: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    store = await openDatabase(database.url);
    await migrateToLatest(store);
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await store?.close();
    await database?.drop();
  });

  /** Another worker's batch in the middle of claiming `id`: its key registered, its row applied, not yet committed. */
  async function holdKey(key: string, id: number): Promise<void> {
    await other.query("begin");
    await other.query("insert into inbox_keys (key_hash, inbox_id) values ($1, $2)", [keyHash(key), id]);
    await other.query("update inbox_events set status = 'done' where id = $1", [id]);
  }

  /** Both copies land; the other worker holds the first (so this batch claims the copy) and its key until `end`. */
  async function raceOver(body: unknown, end: "commit" | "rollback"): Promise<{ firstId: number; copyId: number; batch: Record<string, number> }> {
    const [firstId] = await land(store, [body], "first");
    const [copyId] = await land(store, [body], "copy");
    await holdKey(contentKey(body), firstId!);
    const batch = createPipeline(store, { loadLinks: async () => [] }).processInboxBatch();
    // The batch waits on the other worker's key meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.query(end);
    return { firstId: firstId!, copyId: copyId!, batch: { ...(await batch) } };
  }

  it("waits for the other worker's key: after its commit the copy is merged into its row", async () => {
    const body = z.joined(person(4), at(4));
    const { firstId, batch } = await raceOver(body, "commit");
    expect(batch).toMatchObject({ duplicate: 1, done: 0 });
    expect((await rowsByKey(store)).get(contentKey(body))).toEqual([{ id: firstId, deliveries: 2, status: "done" }]);
  });

  it("and when the other worker rolls back, the copy holds the event and the first is merged into it later", async () => {
    const body = z.joined(person(5), at(5));
    const { copyId, batch } = await raceOver(body, "rollback");
    expect(batch).toMatchObject({ duplicate: 0, done: 1 });
    expect(await createPipeline(store, { loadLinks: async () => [] }).processInboxBatch()).toMatchObject({ duplicate: 1, done: 0 });
    expect((await rowsByKey(store)).get(contentKey(body))).toEqual([{ id: copyId, deliveries: 2, status: "done" }]);
  });
});
