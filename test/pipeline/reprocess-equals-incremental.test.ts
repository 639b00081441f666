/**
 * Incremental processing (many small batches, cached engine states, change-only writes) and a full
 * rebuild from the inbox give the same rows, on a large generated stream of two accounts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Link } from "../../src/core/index.js";
import { reprocess } from "../../src/pipeline/index.js";
import { webinarStream } from "../../bench/pipeline/webinar-stream.js";
import { eachDatabase } from "../support/databases.js";
import { derivedSnapshot } from "./support/derived-snapshot.js";
import { startTestRollcall, testSecret, type TestRollcall } from "./support/start-test-rollcall.js";
import { postAll } from "./support/zoom-webhooks.js";

const big = webinarStream({ participants: 1500, seed: 7, accountId: "ACCT-big" });
const small = webinarStream({ participants: 400, seed: 8, accountId: "ACCT-small", instance: 1 });
const linksByAccount = new Map<string, Link[]>([
  [big.accountId, big.links],
  [small.accountId, small.links],
]);
const loadLinks = async (_db: unknown, accountId: string) => linksByAccount.get(accountId) ?? [];
// Interleave the two streams as they would arrive.
const bodies: unknown[] = [];
for (let i = 0; i < Math.max(big.bodies.length, small.bodies.length); i++) {
  if (i < big.bodies.length) bodies.push(big.bodies[i]);
  if (i < small.bodies.length) bodies.push(small.bodies[i]);
}

eachDatabase("pipeline: reprocess equals incremental", (database) => {
  let service: TestRollcall;
  let incremental: Record<string, unknown[]>;

  beforeAll(async () => {
    // Small batches: the big instance is recomputed from its cached state many times over.
    service = await startTestRollcall(database().url, loadLinks, 150);
    await postAll([service.url], testSecret, bodies, 16);
    await service.worker.idle();
    incremental = await derivedSnapshot(service.rollcall.store.db);
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
  });

  it("processed every distinct event and kept the accounts apart", async () => {
    const db = service.rollcall.store.db;
    const statuses = await db.selectFrom("inbox_events").select("status").execute();
    expect(statuses.every((s) => s.status === "done")).toBe(true);
    const instances = await db.selectFrom("instances").select(["account_id", "instance_uuid", "status", "event_count"]).orderBy("account_id").execute();
    expect(instances.map((i) => [i.account_id, i.instance_uuid, i.status])).toEqual([
      [big.accountId, big.uuid, "ended"],
      [small.accountId, small.uuid, "ended"],
    ]);
    expect(instances.reduce((n, i) => n + i.event_count, 0)).toBe(statuses.length);
    expect(incremental["attendance"]!.length).toBeGreaterThan(1000);
    const wrongAccount = await db.selectFrom("attendance").select("user_id").where("account_id", "=", small.accountId).where("instance_uuid", "=", big.uuid).execute();
    expect(wrongAccount).toEqual([]);
  });

  it("rebuilds the same rows from the inbox", async () => {
    const db = service.rollcall.store.db;
    const processedBefore = await db.selectFrom("inbox_events").select(["id", "status", "processed_at"]).orderBy("id").execute();
    const result = await reprocess(service.rollcall.store, { loadLinks });
    // A row whose outcome stays the same is not rewritten (nor its processed_at).
    expect(await db.selectFrom("inbox_events").select(["id", "status", "processed_at"]).orderBy("id").execute()).toEqual(processedBefore);
    expect(result.reset).toBe(incremental["instances"]!.reduce((n: number, i) => n + (i as { event_count: number }).event_count, 0));
    expect(result.parked).toBe(0);
    // The service's own worker runs beside reprocess and may claim rows it put back.
    await service.worker.idle();
    expect(await derivedSnapshot(service.rollcall.store.db)).toEqual(incremental);
  }, 120_000);

  it("rebuilds one instance alone to the same rows", async () => {
    const result = await reprocess(service.rollcall.store, { loadLinks }, { instanceUuid: small.uuid });
    expect(result.instances).toBe(1);
    await service.worker.idle();
    expect(await derivedSnapshot(service.rollcall.store.db)).toEqual(incremental);
  }, 120_000);

  it("a fresh rebuild differs when the links differ (the comparison can fail)", async () => {
    const fewer = async (_db: unknown, accountId: string) => (linksByAccount.get(accountId) ?? []).slice(1);
    await reprocess(service.rollcall.store, { loadLinks: fewer }, { instanceUuid: big.uuid });
    await service.worker.idle();
    expect(await derivedSnapshot(service.rollcall.store.db)).not.toEqual(incremental);
    await reprocess(service.rollcall.store, { loadLinks }, { instanceUuid: big.uuid });
    await service.worker.idle();
    expect(await derivedSnapshot(service.rollcall.store.db)).toEqual(incremental);
  }, 120_000);

  it("a rebuild writes only the rows that differ: none when nothing changed, and it repairs rows changed, added or removed behind its back", async () => {
    const db = service.rollcall.store.db;
    const unchanged = await reprocess(service.rollcall.store, { loadLinks }, { instanceUuid: big.uuid });
    expect(unchanged.rowsWritten).toBe(0);

    const where = { account_id: big.accountId, instance_uuid: big.uuid };
    const sessions = await db.selectFrom("participant_sessions").select("session_key").where("instance_uuid", "=", big.uuid).orderBy("session_key").limit(3).execute();
    const [s1, s2, s3] = sessions.map((s) => s.session_key);
    await db.updateTable("participant_sessions").set({ display_name: "tampered", intervals_json: "[]" }).where("instance_uuid", "=", big.uuid).where("session_key", "=", s1!).execute();
    await db.deleteFrom("session_identifiers").where("instance_uuid", "=", big.uuid).where("session_key", "=", s2!).execute();
    await db.insertInto("session_identifiers").values({ ...where, session_key: s3!, field: "email", value: "ghost@example.com" }).execute();
    await db.updateTable("session_resolutions").set({ user_id: "someone-else", confidence: 0.1 }).where("instance_uuid", "=", big.uuid).where("session_key", "=", s3!).execute();
    const attendee = await db.selectFrom("attendance").selectAll().where("instance_uuid", "=", big.uuid).orderBy("user_id").limit(1).executeTakeFirstOrThrow();
    await db.deleteFrom("attendance").where("instance_uuid", "=", big.uuid).where("user_id", "=", attendee.user_id).execute();
    await db.insertInto("attendance").values({ ...attendee, user_id: "ghost-user" }).execute();
    await db.insertInto("participant_sessions").values({ ...where, session_key: "ghost-session", participant_uuid: null, display_name: null, zoom_connection_ids_json: "[]", merged_keys_json: "[]", identifiers_json: "[]", names_json: "[]", intervals_json: "[]", first_join: null, last_leave: null, attended_ms: 0, present: 0, source: "webhook" }).execute();
    expect(await derivedSnapshot(db)).not.toEqual(incremental);

    const repaired = await reprocess(service.rollcall.store, { loadLinks }, { instanceUuid: big.uuid });
    // Upserted: session s1, the identifier rows of s2 and s3 (s3 has 1 + its own), resolution s3, the attendee.
    // Deleted: s3's identifier rows, the ghost user, the ghost session.
    expect(repaired.rowsWritten).toBeGreaterThanOrEqual(7);
    expect(repaired.rowsWritten).toBeLessThan(60);
    await service.worker.idle();
    expect(await derivedSnapshot(db)).toEqual(incremental);
  }, 120_000);
});
