/**
 * When Zoom refuses `/report/meetings/{uuid}/participants` for plan or scope reasons, reconciliation
 * takes `/past_meetings/{uuid}/participants` instead, against the emulator over HTTP, on SQLite and
 * PostgreSQL. The past_meetings rows carry `registrant_id` (not `customer_key`), so registered guests
 * are what this test drops webhooks for. Also: a manual run while Zoom is down leaves the instance
 * scheduled rather than failed.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { reconcileInstances, reconciliationReport, REPORT_PARTICIPANT_EVENT } from "../../src/reconcile/index.js";
import { ZoomApiClient } from "../../src/zoom/api/index.js";
import { eachDatabase } from "../support/databases.js";
import { startZoomAndRollcall, testReconcileSettings, type ZoomAndRollcall } from "../integration/support/zoom-and-rollcall.js";

eachDatabase("reconciliation falls back to past_meetings when the report endpoint is refused", (database) => {
  let env: ZoomAndRollcall;
  const db = () => env.rollcall.store.db;
  const attendance = async (uuid: string) =>
    Object.fromEntries((await db().selectFrom("attendance").select(["user_id", "attended_ms"]).where("instance_uuid", "=", uuid).execute()).map((r) => [r.user_id, Number(r.attended_ms) / 1000]));
  const truth = (sim: Simulation) => Object.fromEntries(sim.groundTruth.byUser.filter((g) => g.seconds > 0).map((g) => [g.user, g.seconds]));

  /** One ended instance whose webhooks missed Rita's join and all of Nia; the previous case's instance is finalized by then. */
  async function endedInstance(tag: string, start: string): Promise<Simulation> {
    const meetingId = String(env.world.createMeeting("me", { topic: `Biology ${tag}`, type: 2, settings: { approval_type: 0 } }).id);
    const rita = `regRita${tag.padEnd(5, "0")}00000001`;
    const nia = `regNia${tag.padEnd(5, "0")}000000001`;
    await env.importUsers([
      { externalId: "u-teacher", zoomUserIds: ["ZUpark000000000000001"] },
      { externalId: "u-rita", registrants: [{ meetingId, registrantId: rita }] },
      { externalId: "u-nia", registrants: [{ meetingId, registrantId: nia }] },
    ]);
    const sim = env.simulate({
      meeting: { number: meetingId, topic: `Biology ${tag}`, type: 2, start, duration: 60, host: { participant: "teacher" } },
      account: { id: env.world.accountId },
      end: { at: "50m" },
      participants: [
        { id: "teacher", user: "u-teacher", kind: "logged_in", name: "Mr Park", email: "park@school.example.com", zoomUserId: "ZUpark000000000000001", timeline: [{ do: "join", at: 0 }] },
        { id: "rita", user: "u-rita", kind: "registered_guest", name: "Rita", email: "rita@example.com", registrantId: rita, timeline: [{ do: "join", at: "2m", deliver: { drop: true } }, { do: "leave", at: "40m" }] },
        { id: "nia", user: "u-nia", kind: "registered_guest", name: "Nia", email: "nia@example.com", registrantId: nia, timeline: [{ do: "join", at: "5m", deliver: { drop: true } }, { do: "leave", at: "20m", deliver: { drop: true } }] },
      ],
    });
    expect((await env.deliver(sim.deliveries)).failed).toBe(0);
    return sim;
  }

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it.each([
    ["plan", "2026-03-03T09:00:00Z"],
    ["scope", "2026-03-04T09:00:00Z"],
  ] as const)("uses past_meetings after Zoom's %s refusal and still puts attendance right", async (reason, start) => {
    const sim = await endedInstance(reason, start);
    const uuid = sim.instance.uuid;
    const before = await attendance(uuid);
    expect(before["u-nia"]).toBeUndefined(); // webhooks alone never saw Nia
    expect(before["u-rita"]).toBe(40 * 60); // nor when Rita joined

    env.emulator.controls.refuseReports(reason);
    const refusedBefore = env.emulator.controls.reportRefusals;
    try {
      expect(await env.reconcile.runOnce()).toBe(1);
    } finally {
      env.emulator.controls.refuseReports(undefined);
    }
    expect(env.emulator.controls.reportRefusals).toBe(refusedBefore + 1);
    await env.settle();

    const view = await reconciliationReport(db(), uuid);
    expect(view).toMatchObject({ state: "finalized", endpoint: "past_meetings", attempts: 1, reportRows: sim.report.rows.length, lastError: null });
    expect(truth(sim)).toEqual({ "u-teacher": 3000, "u-rita": 2280, "u-nia": 900 });
    expect(await attendance(uuid)).toEqual(truth(sim));
    const resolutions = await db().selectFrom("session_resolutions").select(["user_id", "method"]).where("instance_uuid", "=", uuid).execute();
    expect(resolutions.find((r) => r.user_id === "u-nia")?.method).toBe("registrant_id");
    const inbox = await db().selectFrom("inbox_events").select(["body", "status"]).where("event", "=", REPORT_PARTICIPANT_EVENT).where("instance_uuid", "=", uuid).execute();
    expect(inbox).toHaveLength(sim.report.rows.length);
    expect(inbox.map((r) => [(JSON.parse(r.body) as { payload: { endpoint: string } }).payload.endpoint, r.status])).toEqual(inbox.map(() => ["past_meetings", "done"]));
  });

  it("leaves an instance scheduled when Zoom is down during a manual run, and reconciles it afterwards", async () => {
    const sim = await endedInstance("down", "2026-03-05T09:00:00Z");
    const uuid = sim.instance.uuid;
    // One attempt per call, so the client hands the 503 over instead of backing off.
    const zoom = new ZoomApiClient({ accountId: env.world.accountId, clientId: "emulatedClientId", clientSecret: "emulatedClientSecret", apiBaseUrl: env.emulator.apiBaseUrl, oauthUrl: env.emulator.url }, { retry: { maxAttempts: 1 } });
    const selection = { accountId: env.world.accountId, instanceUuid: uuid };
    env.emulator.controls.failNext(1, 503);
    const before = Date.now();
    const [down] = await reconcileInstances(env.rollcall.store, { ...env.context, zoom }, selection, testReconcileSettings);
    expect(env.emulator.controls.pendingFaults).toBe(0);
    expect(down).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/due again at/) });
    expect(down!.status === "unavailable" && down!.retryAt).toBeGreaterThanOrEqual(before + testReconcileSettings.retryMs);
    expect(await reconciliationReport(db(), uuid)).toMatchObject({ state: "scheduled", attempts: 1, lastError: expect.stringMatching(/503/) });

    const [after] = await reconcileInstances(env.rollcall.store, { ...env.context, zoom }, selection, testReconcileSettings);
    expect(after).toMatchObject({ status: "finalized", outcome: { endpoint: "report" } });
    await env.settle();
    expect(await attendance(uuid)).toEqual(truth(sim));
  });
});
