/**
 * An instance whose `meeting.ended` never arrived stays `live` in Rollcall. Once its latest event is
 * older than the idle time, the worker schedules it anyway, backs off while Zoom says "not ready",
 * and merges the report when Zoom has it: against the emulator over HTTP, SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { reconciliationReport } from "../../src/reconcile/index.js";
import { eachDatabase } from "../support/databases.js";
import { startZoomAndRollcall, testReconcileSettings, type ZoomAndRollcall } from "../integration/support/zoom-and-rollcall.js";

const REPORT_DELAY_MS = 10 * 60_000;
const IDLE_MS = 12 * 3_600_000;

eachDatabase("reconciliation of an instance whose meeting.ended was lost", (database) => {
  let env: ZoomAndRollcall;
  let sim: Simulation;
  const db = () => env.rollcall.store.db;
  const uuid = () => sim.instance.uuid;
  const attendance = async () =>
    Object.fromEntries((await db().selectFrom("attendance").select(["user_id", "attended_ms"]).where("instance_uuid", "=", uuid()).execute()).map((r) => [r.user_id, Number(r.attended_ms) / 1000]));
  const truth = () => Object.fromEntries(sim.groundTruth.byUser.filter((g) => g.seconds > 0).map((g) => [g.user, g.seconds]));
  const reconciliation = () => db().selectFrom("reconciliations").selectAll().where("instance_uuid", "=", uuid()).executeTakeFirst();
  const status = async () => (await db().selectFrom("instances").select("status").where("instance_uuid", "=", uuid()).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url, { reportDelayMs: REPORT_DELAY_MS, reconcileSettings: { idleMs: IDLE_MS } });
    const meetingId = String(env.world.createMeeting("me", { topic: "Lost end", type: 2, settings: { approval_type: 0 } }).id);
    await env.importUsers([
      { externalId: "u-teacher", zoomUserIds: ["ZUpark000000000000001"] },
      { externalId: "u-sam", customerKeys: ["ckSam0000000000000001"] },
    ]);
    sim = env.simulate({
      meeting: { number: meetingId, topic: "Lost end", type: 2, start: "2026-03-06T09:00:00Z", duration: 60, host: { participant: "teacher" } },
      account: { id: env.world.accountId },
      end: { at: "50m" },
      participants: [
        { id: "teacher", user: "u-teacher", kind: "logged_in", name: "Mr Park", email: "park@school.example.com", zoomUserId: "ZUpark000000000000001", timeline: [{ do: "join", at: 0 }, { do: "leave", at: "50m", deliver: { drop: true } }] },
        { id: "sam", user: "u-sam", kind: "sdk", name: "Sam", customerKey: "ckSam0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "30m", deliver: { drop: true } }] },
      ],
    });
    const withoutEnd = sim.deliveries.filter((d) => d.event !== "meeting.ended");
    expect(withoutEnd.length).toBeLessThan(sim.deliveries.length);
    expect((await env.deliver(withoutEnd)).failed).toBe(0);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("stays live and unscheduled while its latest event is younger than the idle time", async () => {
    expect(await status()).toBe("live");
    expect(await env.reconcile.runOnce()).toBe(0);
    env.advanceReconcileClock(IDLE_MS - 60_000);
    expect(await env.reconcile.runOnce()).toBe(0);
    expect(await reconciliation()).toBeUndefined();
  });

  it("is scheduled once idle, and backs off while Zoom says the report is not ready", async () => {
    env.advanceReconcileClock(2 * 60_000);
    expect(await env.reconcile.runOnce()).toBe(0);
    const waiting = await reconciliationReport(db(), uuid());
    expect(waiting).toMatchObject({ state: "scheduled", attempts: 1, reportRows: 0 });
    expect(waiting?.lastError).toMatch(/3001|not end/);
    const row = (await reconciliation())!;
    expect(Number(row.due_at)).toBeGreaterThan(Number(row.updated_at)); // backoff, not at once
    expect(Number(row.deadline_at)).toBe(Number(row.created_at) + testReconcileSettings.deadlineMs);
    expect(await status()).toBe("live");
  });

  it("merges the report once Zoom has it, closing the sessions whose leave was lost", async () => {
    env.advanceZoomClock(REPORT_DELAY_MS);
    const retryAt = Number((await reconciliation())!.due_at);
    // Move the worker's clock to the stored retry time: no waiting on the real clock.
    env.advanceReconcileClock(Math.max(0, retryAt - env.context.now!()));
    expect(await env.reconcile.runOnce()).toBe(1);
    await env.settle();
    expect(await reconciliationReport(db(), uuid())).toMatchObject({ state: "finalized", attempts: 2, endpoint: "report", reportRows: sim.report.rows.length, lastError: null });
    expect(truth()).toEqual({ "u-teacher": 3000, "u-sam": 1740 });
    expect(await attendance()).toEqual(truth());
    // Zoom had a report, so the meeting is over: finalized, and kept so by later recomputation.
    expect(await status()).toBe("finalized");
  });
});
