/**
 * Reconciliation against the real Zoom emulator over HTTP, on SQLite and PostgreSQL: a meeting is
 * simulated, some of its webhooks are never delivered (a leave, a join, a whole session), and the
 * report Zoom keeps afterwards puts attendance back to the emulator's ground truth.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScenarioInput } from "../../src/emulator/scenarios/scenario-schema.js";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { reprocess } from "../../src/pipeline/index.js";
import { loadLinks } from "../../src/directory/index.js";
import { reconcileInstances, reconciliationReport, REPORT_PARTICIPANT_EVENT } from "../../src/reconcile/index.js";
import { eachDatabase } from "../support/databases.js";
import { startZoomAndRollcall, testReconcileSettings, type ZoomAndRollcall } from "../integration/support/zoom-and-rollcall.js";

const REPORT_DELAY_MS = 10 * 60_000;

function scenario(meetingNumber: string, accountId: string): ScenarioInput {
  return {
    name: "dropped-webhooks",
    meeting: { number: meetingNumber, topic: "Chemistry – Week 5", type: 2, start: "2026-03-02T09:00:00Z", duration: 60, host: { participant: "teacher" } },
    account: { id: accountId },
    end: { at: "50m" },
    participants: [
      { id: "teacher", user: "u-teacher", kind: "logged_in", name: "Mr Park", email: "park@school.example.com", zoomUserId: "ZUpark000000000000001", timeline: [{ do: "join", at: 0 }] },
      // The leave is never delivered: webhooks alone close Sam at the meeting's end.
      { id: "sam", user: "u-sam", kind: "sdk", name: "Sam", customerKey: "ckSam0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "30m", deliver: { drop: true } }] },
      // The join is never delivered: webhooks alone only see a leave.
      { id: "rita", user: "u-rita", kind: "registered_guest", name: "Rita", email: "rita@example.com", registrantId: "regRita00000000000001", timeline: [{ do: "join", at: "2m", deliver: { drop: true } }, { do: "leave", at: "40m" }] },
      // Neither is delivered: only the report knows Nia was there.
      { id: "nia", user: "u-nia", kind: "registered_guest", name: "Nia", email: "nia@example.com", registrantId: "regNia000000000000001", timeline: [{ do: "join", at: "5m", deliver: { drop: true } }, { do: "leave", at: "20m", deliver: { drop: true } }] },
      // Waits 3m–8m and is never admitted: the report's in_waiting_room row carries her registrant id, and is no attendance.
      { id: "wen", user: "u-wen", kind: "registered_guest", name: "Wen", email: "wen@example.com", registrantId: "regWen000000000000001", timeline: [{ do: "waiting_room", at: "3m" }, { do: "leave", at: "8m" }] },
      // Waits 1m–4m, admitted at 4m: only 4m–45m counts, through the report as through webhooks.
      { id: "ali", user: "u-ali", kind: "registered_guest", name: "Ali", email: "ali@example.com", registrantId: "regAli000000000000001", timeline: [{ do: "waiting_room", at: "1m" }, { do: "admit", at: "4m" }, { do: "leave", at: "45m" }] },
    ],
  };
}

eachDatabase("reconciliation with the Zoom emulator's participant report", (database) => {
  let env: ZoomAndRollcall;
  let sim: Simulation;
  let meetingId: string;
  const db = () => env.rollcall.store.db;
  const uuid = () => sim.instance.uuid;
  const attendance = async () =>
    Object.fromEntries((await db().selectFrom("attendance").select(["user_id", "attended_ms", "resolved_by"]).where("instance_uuid", "=", uuid()).execute()).map((r) => [r.user_id, Number(r.attended_ms) / 1000]));
  const truth = () => Object.fromEntries(sim.groundTruth.byUser.filter((g) => g.seconds > 0).map((g) => [g.user, g.seconds]));

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url, { reportDelayMs: REPORT_DELAY_MS });
    meetingId = String(env.world.createMeeting("me", { topic: "Chemistry – Week 5", type: 2, settings: { approval_type: 0 } }).id);
    await env.importUsers([
      { externalId: "u-teacher", zoomUserIds: ["ZUpark000000000000001"] },
      { externalId: "u-sam", customerKeys: ["ckSam0000000000000001"] },
      { externalId: "u-rita", registrants: [{ meetingId, registrantId: "regRita00000000000001" }] },
      { externalId: "u-nia", registrants: [{ meetingId, registrantId: "regNia000000000000001" }] },
      { externalId: "u-wen", registrants: [{ meetingId, registrantId: "regWen000000000000001" }] },
      { externalId: "u-ali", registrants: [{ meetingId, registrantId: "regAli000000000000001" }] },
    ]);
    sim = env.simulate(scenario(meetingId, env.world.accountId));
    expect(sim.dropped.length).toBe(4);
    const summary = await env.deliver(sim.deliveries);
    expect(summary.failed).toBe(0);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("webhooks alone miss what was dropped (so the test can see reconciliation work)", async () => {
    const a = await attendance();
    expect(truth()).toEqual({ "u-teacher": 3000, "u-sam": 1740, "u-rita": 2280, "u-nia": 900, "u-ali": 2460 });
    expect(sim.report.rows.filter((r) => r.status === "in_waiting_room").map((r) => [r.registrant_id, r.duration])).toEqual([
      ["regAli000000000000001", 180],
      ["regWen000000000000001", 300],
    ]);
    expect(a["u-ali"]).toBe(2460);
    expect(a["u-wen"]).toBeUndefined();
    expect(a["u-sam"]).toBe(49 * 60); // closed by meeting.ended at 50m
    expect(a["u-rita"]).toBe(40 * 60); // a leave without its join opens at the instance start
    expect(a["u-nia"]).toBeUndefined();
    const instance = await db().selectFrom("instances").select("status").where("instance_uuid", "=", uuid()).executeTakeFirstOrThrow();
    expect(instance.status).toBe("ended");
  });

  it("retries while Zoom says the report is not ready, then merges it when it is", async () => {
    expect(await env.reconcile.runOnce()).toBe(0);
    const waiting = await reconciliationReport(db(), uuid());
    expect(waiting).toMatchObject({ state: "scheduled", attempts: 1, reportRows: 0 });
    expect(waiting?.lastError).toMatch(/3001|not end/);

    env.advanceZoomClock(REPORT_DELAY_MS);
    // Move the worker's clock to the retry it chose (read back, not assumed): no waiting on the real clock.
    const retryAt = Number((await db().selectFrom("reconciliations").select("due_at").where("instance_uuid", "=", uuid()).executeTakeFirstOrThrow()).due_at);
    env.advanceReconcileClock(Math.max(0, retryAt - env.context.now!()));
    expect(await env.reconcile.runOnce()).toBe(1);
    await env.settle();

    const done = await reconciliationReport(db(), uuid());
    expect(done).toMatchObject({ state: "finalized", attempts: 2, endpoint: "report", reportRows: sim.report.rows.length, newRows: sim.report.rows.length, lastError: null });
    expect(await attendance()).toEqual(truth());
    // The waiting-room rows were merged, and counted for nothing: no u-wen, and u-ali from admission only.
    expect((await attendance())["u-wen"]).toBeUndefined();
    expect((await attendance())["u-ali"]).toBe(2460);
    const instance = await db().selectFrom("instances").select("status").where("instance_uuid", "=", uuid()).executeTakeFirstOrThrow();
    expect(instance.status).toBe("finalized");
  });

  it("marks report-made sessions with their source and resolves them by the report's identifiers", async () => {
    const sessions = await db().selectFrom("participant_sessions").select(["session_key", "source"]).where("instance_uuid", "=", uuid()).execute();
    const resolutions = await db().selectFrom("session_resolutions").select(["session_key", "user_id", "method"]).where("instance_uuid", "=", uuid()).execute();
    const nia = resolutions.find((r) => r.user_id === "u-nia")!;
    expect(nia.method).toBe("registrant_id");
    expect(sessions.find((s) => s.session_key === nia.session_key)!.source).toBe("report");
    const inbox = await db().selectFrom("inbox_events").select(["event", "status"]).where("event", "=", REPORT_PARTICIPANT_EVENT).execute();
    expect(inbox).toHaveLength(sim.report.rows.length);
    expect(inbox.every((r) => r.status === "done")).toBe(true);
  });

  it("records the differences between webhook-derived and reconciled attendance", async () => {
    const view = (await reconciliationReport(db(), uuid()))!;
    const byKind = (kind: string) => view.differences.filter((d) => d.kind === kind);
    expect(byKind("attendance").map((d) => [d.subject, d.webhookSeconds, d.reconciledSeconds])).toEqual([
      ["u-nia", null, 900],
      ["u-rita", 2400, 2280],
      ["u-sam", 2940, 1740],
    ]);
    expect(byKind("session_added")).toEqual([expect.objectContaining({ userId: "u-nia", reconciledSeconds: 900, detail: { method: "registrant_id" } })]);
    expect(view.summary).toMatchObject({ attendanceChanged: 3, sessionsAdded: 1, users: 5, webhookSeconds: 3000 + 2940 + 2400 + 2460, reconciledSeconds: 3000 + 1740 + 2280 + 900 + 2460 });
  });

  it("is idempotent: a forced re-run stores no new rows and gives the same result", async () => {
    const before = await db().selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const skipped = await reconcileInstances(env.rollcall.store, env.context, { accountId: env.world.accountId, instanceUuid: uuid() }, testReconcileSettings);
    expect(skipped).toEqual([expect.objectContaining({ status: "skipped" })]);
    const [again] = await reconcileInstances(env.rollcall.store, env.context, { accountId: env.world.accountId, instanceUuid: uuid(), force: true }, testReconcileSettings);
    expect(again).toMatchObject({ status: "finalized", outcome: { newRows: 0, reportRows: sim.report.rows.length } });
    await env.settle();
    const after = await db().selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await attendance()).toEqual(truth());
    expect((await reconciliationReport(db(), uuid()))!.summary).toMatchObject({ attendanceChanged: 3, sessionsAdded: 1 });
  });

  it("survives reprocess: the report rows are replayed from the inbox and the instance stays finalized", async () => {
    await reprocess(env.rollcall.store, { loadLinks }, { instanceUuid: uuid() });
    expect(await attendance()).toEqual(truth());
    const instance = await db().selectFrom("instances").select("status").where("instance_uuid", "=", uuid()).executeTakeFirstOrThrow();
    expect(instance.status).toBe("finalized");
  });

  it("says which instance is unknown", async () => {
    await expect(reconcileInstances(env.rollcall.store, env.context, { accountId: env.world.accountId, instanceUuid: "nope==" }, testReconcileSettings)).rejects.toThrow(/--instance: no instance "nope=="/);
  });
});
