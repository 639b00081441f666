/**
 * Migration 0008 on a database written under the old contract (`resolved_by = 'report'` when only
 * report rows resolved a user): afterwards every row's `resolved_by` is a method, `source` says
 * where the evidence came from, and the instances concerned are marked for re-resolution.
 */
import { Migrator, type Migration } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_PRECEDENCE } from "../../src/core/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { migrations } from "../../src/store/migrations/index.js";
import { eachDatabase } from "../support/databases.js";

const NEW = "0008-attendance-source";

eachDatabase("store: migration 0008 moves `report` out of resolved_by into source", (database) => {
  let store: RollcallDatabase;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    // The schema as it was before 0008.
    const before: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(migrations)) if (name < NEW) before[name] = { up: (db) => m.up(db, store.dialect) };
    const result = await new Migrator({ db: store.db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(result.error).toBeUndefined();
    const db = store.db as unknown as import("kysely").Kysely<any>;
    const instance = (uuid: string) => ({ account_id: "acct", instance_uuid: uuid, meeting_id: "81234567890", product: "meeting", topic: null, host_id: null, meeting_type: null, start_time: null, end_time: null, status: "ended", span_from: 0, span_to: 60_000, event_count: 2, revision: 1, needs_resolve: 0, updated_at: 1 });
    await db.insertInto("instances").values([instance("old-report=="), instance("old-webhook==")]).execute();
    const attendance = (uuid: string, user: string, resolvedBy: string) => ({ account_id: "acct", instance_uuid: uuid, user_id: user, attended_ms: 60_000, first_join: 0, last_leave: 60_000, sessions: 2, share_of_instance: 1, present: 0, closed_by_meeting_end: 0, resolved_by: resolvedBy, confidence: 0.8, session_keys_json: "[]", intervals_json: "[]" });
    await db
      .insertInto("attendance")
      .values([attendance("old-report==", "omar", "report"), attendance("old-report==", "dana", "email"), attendance("old-webhook==", "frank", "manual")])
      .execute();
    const resolution = (session: string, method: string) => ({ account_id: "acct", instance_uuid: "old-report==", session_key: session, user_id: "omar", method, confidence: 0.8, evidence_json: "[]", conflicts_json: "[]", unresolved_reason: null });
    await db.insertInto("session_resolutions").values([resolution("s1", "email"), resolution("s2", "registrant_id")]).execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("gives every row a method and a source, and marks the instances whose rows said report", async () => {
    expect(await migrateToLatest(store)).toContain(NEW);
    const rows = await store.db.selectFrom("attendance").select(["instance_uuid", "user_id", "resolved_by", "source"]).orderBy("user_id").execute();
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { instance_uuid: "old-report==", user_id: "dana", resolved_by: "email", source: "webhook" },
      { instance_uuid: "old-webhook==", user_id: "frank", resolved_by: "manual", source: "manual" },
      // The strongest method of omar's sessions.
      { instance_uuid: "old-report==", user_id: "omar", resolved_by: "registrant_id", source: "report" },
    ]);
    expect(rows.every((r) => DEFAULT_PRECEDENCE.includes(r.resolved_by as (typeof DEFAULT_PRECEDENCE)[number]))).toBe(true);
    const marks = await store.db.selectFrom("instances").select(["instance_uuid", "needs_resolve"]).orderBy("instance_uuid").execute();
    expect(marks.map((m) => [m.instance_uuid, m.needs_resolve])).toEqual([
      ["old-report==", 1],
      ["old-webhook==", 0],
    ]);
  });
});
