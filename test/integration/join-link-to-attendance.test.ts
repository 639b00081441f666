/**
 * Join-link issuance end to end, on SQLite and PostgreSQL: Rollcall issues a registrant link (via
 * the emulator's REST API) and a Meeting SDK customer key for app users and stores them; the
 * emulator then simulates those users joining with exactly those identifiers and sends the signed
 * webhooks to a running Rollcall; the sessions resolve to the users. Then the classroom scenario
 * runs into the same service and its attendance equals the emulator's ground truth.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadScenario } from "../../src/emulator/scenarios/load-scenario.js";
import type { ScenarioInput } from "../../src/emulator/scenarios/scenario-schema.js";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { attendanceReport } from "../../src/reports/index.js";
import { issueJoinLinks } from "../../src/join-links/index.js";
import { reconcileInstances, reconciliationReport } from "../../src/reconcile/index.js";
import { eachDatabase } from "../support/databases.js";
import { startZoomAndRollcall, testReconcileSettings, type ZoomAndRollcall } from "./support/zoom-and-rollcall.js";

const sdk = { sdkKey: "emulatedSdkKey", sdkSecret: "emulatedSdkSecretEmulatedSdkSecret" };

eachDatabase("join links end to end: issue, join, webhook, resolved", (database) => {
  let env: ZoomAndRollcall;
  let meetingId: string;
  let registrantId: string;
  let customerKey: string;
  let sim: Simulation;
  const db = () => env.rollcall.store.db;

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url);
    meetingId = String(env.world.createMeeting("me", { topic: "Onboarding", type: 2, settings: { approval_type: 0 } }).id);
    await env.importUsers([
      { externalId: "u-dana", email: "dana@example.com", name: "Dana Example" },
      { externalId: "u-eli", name: "Eli Example" },
    ]);
    const [registrant] = await issueJoinLinks(db(), { accountId: "*", externalIds: ["u-dana"], meetingId, kind: "registrant", zoom: env.zoom, privacy: { privacy: "store" } });
    const [sdkJoin] = await issueJoinLinks(db(), { accountId: "*", externalIds: ["u-eli"], meetingId, kind: "sdk", sdk, privacy: { privacy: "store" } });
    registrantId = registrant!.link.value;
    customerKey = sdkJoin!.bundle!.customerKey;
    expect(registrant!.joinUrl).toMatch(/^https:\/\//);

    const scenario: ScenarioInput = {
      meeting: { number: meetingId, topic: "Onboarding", type: 2, start: "2026-04-01T15:00:00Z", duration: 30 },
      account: { id: env.world.accountId, hipaa: true }, // blank names and e-mails: only the issued identifiers can tell who
      end: { at: "30m" },
      participants: [
        { id: "dana", user: "u-dana", kind: "registered_guest", name: "Dana Example", email: "dana@example.com", registrantId, timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "21m" }] },
        { id: "eli", user: "u-eli", kind: "sdk", name: "Eli Example", customerKey, timeline: [{ do: "join", at: "2m" }, { do: "leave", at: "12m" }] },
      ],
    };
    sim = env.simulate(scenario);
    expect((await env.deliver(sim.deliveries)).failed).toBe(0);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("registered the user with Zoom and stored both links as made by the API", async () => {
    expect(env.world.findRegistrant(meetingId, registrantId)?.email).toBe("dana@example.com");
    const links = await db().selectFrom("directory_links").select(["method", "value", "scope", "source"]).where("source", "=", "api").orderBy("method").execute();
    expect(links).toEqual([
      { method: "customer_key", value: customerKey, scope: meetingId, source: "api" },
      { method: "registrant_id", value: registrantId, scope: meetingId, source: "api" },
    ]);
    expect(customerKey).toMatch(/^[A-Za-z0-9]{1,35}$/);
  });

  it("resolves each simulated join to the user the link was issued for", async () => {
    const report = (await attendanceReport(db(), sim.instance.uuid))!;
    const byUser = Object.fromEntries(report.attendees.map((a) => [a.externalId, a]));
    expect(byUser["u-dana"]).toMatchObject({ resolvedBy: "registrant_id", attendedSeconds: 20 * 60 });
    expect(byUser["u-eli"]).toMatchObject({ resolvedBy: "customer_key", attendedSeconds: 10 * 60 });
    expect(report.unresolved).toEqual([]);
  });
});

eachDatabase("the classroom scenario into a running Rollcall equals the emulator's ground truth", (database) => {
  let env: ZoomAndRollcall;
  let sim: Simulation;

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url);
    const meetingId = String(env.world.createMeeting("me", { topic: "Biology 101 – Week 3", type: 2, settings: { approval_type: 0 } }).id);
    const classroom = loadScenario("classroom");
    // Run the shipped scenario on this emulated account, with identifiers the app knows.
    const registrants: Record<string, string> = { ana: "regAna000000000000001", ben: "regBen000000000000001", chloe: "regChloe0000000000001", esi: "regEsi000000000000001" };
    const scenario = {
      ...classroom,
      meeting: { ...classroom.meeting, number: meetingId },
      account: { ...classroom.account, id: env.world.accountId },
      participants: classroom.participants.map((p) =>
        p.kind === "registered_guest" ? { ...p, registrantId: registrants[p.id]! } : p.kind === "logged_in" ? { ...p, zoomUserId: "ZUrivera0000000000001" } : p,
      ),
    } as unknown as ScenarioInput;
    await env.importUsers([
      { externalId: "teacher-001", zoomUserIds: ["ZUrivera0000000000001"] },
      ...Object.entries(registrants).map(([id, registrantId]) => ({ externalId: `student-${id}`, registrants: [{ meetingId, registrantId }] })),
    ]);
    sim = env.simulate(scenario, 11);
    expect((await env.deliver(sim.deliveries)).failed).toBe(0);
  });
  afterAll(async () => {
    await env?.stop();
  });

  const attendance = async () =>
    Object.fromEntries(
      (await env.rollcall.store.db.selectFrom("attendance").select(["user_id", "attended_ms"]).where("instance_uuid", "=", sim.instance.uuid).execute()).map((r) => [r.user_id, Number(r.attended_ms) / 1000]),
    );
  // Ground truth per app user; the anonymous guest who never left the waiting room has no time and no user.
  const truth = () => Object.fromEntries(sim.groundTruth.byUser.filter((g) => g.seconds > 0).map((g) => [g.user, g.seconds]));

  it("gives every user the seconds the emulator says they attended (phone leg folded into its student, devices unioned)", async () => {
    expect(Object.keys(truth()).sort()).toEqual(["student-ana", "student-ben", "student-chloe", "student-esi", "teacher-001"]);
    expect(await attendance()).toEqual(truth());
  });

  it("still equals it after reconciliation with the emulator's report, which adds no difference", async () => {
    const [result] = await reconcileInstances(env.rollcall.store, env.context, { accountId: env.world.accountId, instanceUuid: sim.instance.uuid }, testReconcileSettings);
    expect(result).toMatchObject({ status: "finalized" });
    await env.settle();
    expect(await attendance()).toEqual(truth());
    const view = (await reconciliationReport(env.rollcall.store.db, sim.instance.uuid))!;
    expect(view.differences.filter((d) => d.kind === "attendance")).toEqual([]);
  });
});
