import { afterAll, beforeAll, expect, it } from "vitest";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";

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

  it("run concurrently from two connections without failing", async () => {
    const other = await openDatabase(database().url);
    try {
      const results = await Promise.all([migrateToLatest(store), migrateToLatest(other)]);
      expect(results.flat()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

it("names an unreachable database instead of a migration", async () => {
  const store = await openDatabase("postgres://postgres@127.0.0.1:1/nowhere");
  try {
    await expect(migrateToLatest(store)).rejects.toThrow(/^database postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere: could not be reached to migrate \(ECONNREFUSED/);
  } finally {
    await store.close();
  }
});
