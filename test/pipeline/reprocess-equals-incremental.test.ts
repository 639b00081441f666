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
});
