/**
 * Migration 0015 on an inbox written under the unique key: afterwards every stored row holds its
 * key in `inbox_keys`, a second row with a stored key can land (the pipeline merges it), rows keep
 * their ids and new ones continue the sequence; down puts the unique key back, merging copies.
 */
import { Migrator, sql, type Kysely, type Migration } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { keyHash } from "../../src/store/inbox/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { migrations } from "../../src/store/migrations/index.js";
import { eachDatabase } from "../support/databases.js";

const NEW = "0015-inbox-landing";

eachDatabase("store: migration 0015 lands deliveries without the unique content key", (database) => {
  let store: RollcallDatabase;
  let db: Kysely<any>;
  const row = (key: string, extra: Record<string, unknown> = {}) => ({ dedupe_key: key, event: "meeting.ended", account_id: "a", instance_uuid: "u==", body: "{}", headers: "{}", received_at: 1, deliveries: 1, status: "pending", ...extra });

  beforeAll(async () => {
    store = await openDatabase(database().url);
    db = store.db as unknown as Kysely<any>;
    const before: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(migrations)) if (name < NEW) before[name] = { up: (d) => m.up(d, store.dialect) };
    expect((await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()).error).toBeUndefined();
    await db.insertInto("inbox_events").values([row("k1", { deliveries: 2 }), row("k2", { status: "done" }), row("k3")]).execute();
    await expect(db.insertInto("inbox_events").values(row("k1")).execute()).rejects.toThrow();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("registers every stored row as its key's, and lets a copy of a stored key land", async () => {
    expect(await migrateToLatest(store)).toEqual([NEW]);
    const rows = await db.selectFrom("inbox_events").select(["id", "dedupe_key", "deliveries", "status"]).orderBy("id").execute();
    expect(rows.map((r) => [Number(r.id), r.dedupe_key, r.deliveries, r.status])).toEqual([
      [1, "k1", 2, "pending"],
      [2, "k2", 1, "done"],
      [3, "k3", 1, "pending"],
    ]);
    const keys = await db.selectFrom("inbox_keys").select(["key_hash", "inbox_id"]).execute();
    expect(new Map(keys.map((k) => [Number(k.key_hash), Number(k.inbox_id)]))).toEqual(
      new Map([
        [keyHash("k1"), 1],
        [keyHash("k2"), 2],
        [keyHash("k3"), 3],
      ]),
    );
    const copy = await db.insertInto("inbox_events").values(row("k1")).returning("id").executeTakeFirstOrThrow();
    // PostgreSQL's failed insert above took a value of the sequence: later, not necessarily 4.
    expect(Number(copy.id)).toBeGreaterThan(3);
    // The indexes the pipeline's claim and the instance readers use are still there.
    const indexes = store.dialect === "sqlite" ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'inbox_events'`.execute(db) : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'inbox_events'`.execute(db);
    expect(indexes.rows.map((r) => r.name)).toEqual(expect.arrayContaining(["inbox_events_status_id", "inbox_events_instance"]));
  });

  it("goes down by counting each key's copies on its first row and restoring the unique key", async () => {
    const result = await new Migrator({ db, provider: { getMigrations: async () => Object.fromEntries(Object.entries(migrations).map(([name, m]) => [name, { up: (d: Kysely<any>) => m.up(d, store.dialect), down: (d: Kysely<any>) => m.down!(d, store.dialect) }])) } }).migrateDown();
    expect(result.error).toBeUndefined();
    const rows = await db.selectFrom("inbox_events").select(["id", "dedupe_key", "deliveries"]).orderBy("id").execute();
    expect(rows.map((r) => [Number(r.id), r.dedupe_key, r.deliveries])).toEqual([
      [1, "k1", 3],
      [2, "k2", 1],
      [3, "k3", 1],
    ]);
    await expect(db.insertInto("inbox_events").values(row("k2")).execute()).rejects.toThrow();
    expect(await migrateToLatest(store)).toEqual([NEW]);
  });
});
