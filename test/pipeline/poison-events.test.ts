/**
 * A poison event (one the normaliser rejects) is parked with an error naming the field, counted by a
 * metric, listed by `rollcall reprocess --list-parked`, and never blocks the events behind it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDatabase } from "../support/databases.js";
import { startTestRollcall, testSecret, type TestRollcall } from "./support/start-test-rollcall.js";
import { postSigned, zoomMeeting } from "./support/zoom-webhooks.js";
import { rollcallCli } from "../support/rollcall-cli.js";

const run = promisify(execFile);
const min = 60_000;
const t0 = Date.UTC(2026, 1, 2, 9, 0, 0);
const z = zoomMeeting({ accountId: "ACCT-P", uuid: "poisonUUID==", id: "87000000001", topic: "Poison", hostId: "H1", start: t0 });
const gina = { user_id: "16778240", participant_uuid: "G0000000-0000-4000-8000-000000000001", user_name: "Gina", email: "", customer_key: "ck-gina", registrant_id: "" };
const poison = z.joined({ ...gina, user_id: "16778241", participant_uuid: "G0000000-0000-4000-8000-000000000002" }, t0);
(poison.payload.object.participant as Record<string, unknown>)["join_time"] = "yesterday-ish";

eachDatabase("pipeline: poison events", (database) => {
  let service: TestRollcall;
  beforeAll(async () => {
    service = await startTestRollcall(database().url, async () => [{ method: "customer_key", value: "ck-gina", userId: "gina" }]);
    await postSigned(service.url, testSecret, z.joined(gina, t0 + min));
    await postSigned(service.url, testSecret, poison);
    await postSigned(service.url, testSecret, z.left(gina, t0 + 11 * min));
    await service.worker.idle();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("parks the poison with the field it failed on and applies the events behind it", async () => {
    const db = service.rollcall.store.db;
    const rows = await db.selectFrom("inbox_events").select(["id", "status", "error"]).orderBy("id").execute();
    expect(rows.map((r) => r.status)).toEqual(["done", "parked", "done"]);
    // The path once, then what was expected (not "join_time: join_time: …").
    expect(rows[1]!.error).toMatch(/^payload\.object\.participant\.join_time: expected an ISO-8601 date-time/);
    const attendance = await db.selectFrom("attendance").selectAll().execute();
    expect(attendance).toMatchObject([{ user_id: "gina", attended_ms: 10 * min }]);
  });

  it("counts parked events in the metrics", async () => {
    const text = await service.rollcall.metrics.registry.metrics();
    expect(text).toMatch(/^rollcall_pipeline_parked_events_total 1$/m);
    expect(text).toMatch(/^rollcall_pipeline_events_total\{status="done"\} 2$/m);
    expect(text).toMatch(/^rollcall_pipeline_lag_seconds_count 3$/m);
  });

  it("lists it with rollcall reprocess --list-parked, and reprocess retries it (still parked)", async () => {
    const env = { ...process.env, ZOOM_WEBHOOK_SECRET_TOKEN: testSecret };
    const listed = await run("node", [...rollcallCli, "reprocess", "--list-parked", "--database-url", database().url], { env });
    const parked = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ event: "meeting.participant_joined", instanceUuid: "poisonUUID==" });
    expect(JSON.stringify(parked)).not.toContain("Gina");
    const again = await run("node", [...rollcallCli, "reprocess", "--instance", "poisonUUID==", "--database-url", database().url], { env });
    // The running server may take some of the reset rows before the CLI does: both are pipelines.
    expect(JSON.parse(again.stdout)).toMatchObject({ reset: 3 });
    await service.worker.idle();
    const rows = await service.rollcall.store.db.selectFrom("inbox_events").select(["status"]).orderBy("id").execute();
    expect(rows.map((r) => r.status)).toEqual(["done", "parked", "done"]);
    // (The CLI reads links from the directory, where this test put none: compare sessions, not users.)
    const sessions = await service.rollcall.store.db.selectFrom("participant_sessions").select(["attended_ms"]).execute();
    expect(sessions).toEqual([{ attended_ms: 10 * min }]);
  });
});
