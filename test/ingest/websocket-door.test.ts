/**
 * Zoom's WebSocket door against the emulator's event socket, on SQLite and PostgreSQL: the same
 * truth as webhooks, one row for an event that comes by both doors, gaps recorded and repaired by
 * reconciliation, a connection that renews its token, declares a silent socket dead, survives a
 * refused `build_connection`, and parks frames it cannot read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../src/emulator/scenarios/scenario-schema.js";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { attendanceReport } from "../../src/reports/index.js";
import { eachDatabase } from "../support/databases.js";
import { startZoomAndRollcall, subscriptionId, type ZoomAndRollcall } from "../integration/support/zoom-and-rollcall.js";

const minute = 60_000;

/** A class that started `startedMinutesAgo` minutes ago and lasts 50 minutes. */
function scenario(meetingNumber: string, accountId: string, startMs: number, uuid?: string): ScenarioInput {
  return {
    name: "websocket-class",
    meeting: { number: meetingNumber, topic: "Physics – Week 2", type: 2, start: new Date(startMs).toISOString(), duration: 60, host: { participant: "teacher" }, ...(uuid ? { uuid } : {}) },
    account: { id: accountId },
    end: { at: "50m" },
    participants: [
      { id: "teacher", user: "u-teacher", kind: "logged_in", name: "Ms Ito", email: "ito@school.example.com", zoomUserId: "ZUito0000000000000001", timeline: [{ do: "join", at: 0 }] },
      { id: "sam", user: "u-sam", kind: "sdk", name: "Sam", customerKey: "ckSam0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "30m" }] },
      { id: "rita", user: "u-rita", kind: "registered_guest", name: "Rita", email: "rita@example.com", registrantId: "regRita00000000000001", timeline: [{ do: "join", at: "2m" }, { do: "leave", at: "20m", reason: "disconnected" }, { do: "join", at: "22m" }, { do: "leave", at: "45m" }] },
      { id: "nia", user: "u-nia", kind: "registered_guest", name: "Nia", email: "nia@example.com", registrantId: "regNia000000000000001", timeline: [{ do: "join", at: "35m" }, { do: "leave", at: "48m" }] },
    ],
  };
}

const users = (meetingId: string) => [
  { externalId: "u-teacher", zoomUserIds: ["ZUito0000000000000001"] },
  { externalId: "u-sam", customerKeys: ["ckSam0000000000000001"] },
  { externalId: "u-rita", registrants: [{ meetingId, registrantId: "regRita00000000000001" }] },
  { externalId: "u-nia", registrants: [{ meetingId, registrantId: "regNia000000000000001" }] },
];

/** Waits for `check` to hold (polling), or fails with `what`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

eachDatabase("Zoom's WebSocket door", (database) => {
  let env: ZoomAndRollcall;
  let meetingId: string;
  const db = () => env.rollcall.store.db;
  const socketStatus = () => env.emulator.sockets.status().find((s) => s.subscriptionId === subscriptionId)!;
  const gaps = () => db().selectFrom("websocket_gaps").selectAll().orderBy("id").execute();
  const attendance = async (uuid: string) =>
    Object.fromEntries(((await attendanceReport(db(), uuid))?.attendees ?? []).filter((a) => a.sessions > 0).map((a) => [a.externalId, { seconds: a.attendedSeconds, sessions: a.sessions, firstJoin: a.firstJoin, lastLeave: a.lastLeave }]));
  const truth = (sim: Simulation) =>
    Object.fromEntries(sim.groundTruth.byUser.filter((g) => g.seconds > 0).map((g) => [g.user, { seconds: g.seconds, sessions: g.connections, firstJoin: g.firstJoin, lastLeave: g.lastLeave }]));

  beforeAll(async () => {
    env = await startZoomAndRollcall(database().url, { websocket: true });
    meetingId = String(env.world.createMeeting("me", { topic: "Physics – Week 2", type: 2, settings: { approval_type: 0 } }).id);
    await env.importUsers(users(meetingId));
    await until("the door is connected", () => socketStatus().connected);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("gives the same attendance through the socket as through webhooks, and marks each event with its door", async () => {
    const start = Date.parse("2026-02-02T09:00:00Z");
    const bySocket = env.simulate(scenario(meetingId, env.world.accountId, start, "socketInstance0000001=="));
    const byWebhook = env.simulate(scenario(meetingId, env.world.accountId, start, "webhookInstance000001=="));
    expect(await env.deliverBySocket(bySocket.deliveries)).toEqual({ delivered: bySocket.deliveries.length, lost: 0 });
    expect((await env.deliver(byWebhook.deliveries)).failed).toBe(0);

    expect(await attendance(bySocket.instance.uuid)).toEqual(truth(bySocket));
    expect(await attendance(bySocket.instance.uuid)).toEqual(await attendance(byWebhook.instance.uuid));
    const doors = await db().selectFrom("inbox_events").select(["instance_uuid", "headers"]).where("instance_uuid", "in", [bySocket.instance.uuid, byWebhook.instance.uuid]).execute();
    for (const row of doors) {
      const headers = JSON.parse(row.headers) as Record<string, string>;
      if (row.instance_uuid === bySocket.instance.uuid) expect(headers).toMatchObject({ "x-rollcall-door": "websocket", "x-rollcall-subscription": subscriptionId, "x-rollcall-app": "default" });
      else expect(headers["x-rollcall-door"]).toBeUndefined();
    }
  });

  it("stores an event that comes by both doors once", async () => {
    const sim = env.simulate(scenario(meetingId, env.world.accountId, Date.parse("2026-02-03T09:00:00Z"), "bothDoorsInstance0001=="));
    const join = sim.deliveries.find((d) => d.event === "meeting.participant_joined")!;
    await env.deliver([join]);
    await env.deliverBySocket([join]);
    const rows = await db().selectFrom("inbox_events").select(["deliveries"]).where("instance_uuid", "=", sim.instance.uuid).execute();
    expect(rows).toEqual([{ deliveries: 2 }]);
  });

  it("records a dropped connection as a gap, says the instance may be incomplete, and reconciliation repairs it", async () => {
    const startMs = Date.now() - 60 * minute;
    const sim = env.simulate(scenario(meetingId, env.world.accountId, startMs, "gapInstance0000000001=="));
    const half = sim.deliveries.filter((d) => d.at < startMs + 25 * minute);
    const rest = sim.deliveries.filter((d) => d.at >= startMs + 25 * minute);
    await env.deliverBySocket(half);
    const gapsBefore = (await gaps()).length;

    // Zoom drops the connection and refuses the next tries: what it sends meanwhile is lost.
    env.emulator.sockets.refuseNext(3);
    env.emulator.sockets.drop(subscriptionId);
    await until("the connection is gone", () => !socketStatus().connected);
    expect(await env.deliverBySocket(rest)).toEqual({ delivered: 0, lost: rest.length });
    await until("the door is connected again", () => socketStatus().connected);
    await until("the gap is closed", async () => (await gaps()).length > gapsBefore && (await gaps()).at(-1)!.ended_at !== null);

    const gap = (await gaps()).at(-1)!;
    expect(gap).toMatchObject({ subscription_id: subscriptionId, account_id: env.world.accountId });
    expect(gap.reason).toMatch(/^disconnected \(code 1006/);
    expect(Number(gap.ended_at)).toBeGreaterThan(Number(gap.started_at));

    const before = (await attendanceReport(db(), sim.instance.uuid))!;
    expect(before.instance).toMatchObject({ status: "live", possiblyIncomplete: true });
    expect(before.instance.gaps.map((g) => g.reason)).toContain(gap.reason);
    expect(await attendance(sim.instance.uuid)).not.toEqual(truth(sim));

    // The worker schedules the live instance a gap overlapped, and merges Zoom's report.
    expect(await env.reconcile.runOnce()).toBeGreaterThanOrEqual(1);
    await env.settle();
    const after = (await attendanceReport(db(), sim.instance.uuid))!;
    expect(after.instance).toMatchObject({ status: "finalized", possiblyIncomplete: false });
    expect(await attendance(sim.instance.uuid)).toEqual(truth(sim));
  });

  it("parks frames that are not events, with the reason, and keeps the connection", async () => {
    const connections = socketStatus().connections;
    env.emulator.sockets.sendRaw(subscriptionId, "{not json");
    env.emulator.sockets.sendRaw(subscriptionId, JSON.stringify({ content: "no module" }));
    env.emulator.sockets.deliver(subscriptionId, "not the event's json");
    env.emulator.sockets.deliver(subscriptionId, JSON.stringify({ payload: { object: {} } }));
    await until("four frames are parked", async () => (await db().selectFrom("websocket_parked_frames").select("id").execute()).length >= 4);
    const parked = await db().selectFrom("websocket_parked_frames").select(["reason", "frame"]).execute();
    expect(parked.map((p) => p.reason).sort()).toEqual(["content: expected the event's JSON", "event: expected a non-empty string", "frame: expected JSON", "module: expected a non-empty string"]);
    expect(parked.find((p) => p.reason === "frame: expected JSON")!.frame).toBe("{not json");
    const sim = env.simulate(scenario(meetingId, env.world.accountId, Date.parse("2026-02-04T09:00:00Z"), "afterParkedInstance01=="));
    expect(await env.deliverBySocket(sim.deliveries.slice(0, 3))).toEqual({ delivered: 3, lost: 0 });
    expect(socketStatus()).toMatchObject({ connected: true, connections });
  });

  it("declares a silent socket dead, records the gap and connects again", async () => {
    const connections = socketStatus().connections;
    const gapsBefore = (await gaps()).length;
    env.emulator.sockets.silence(subscriptionId);
    await until("a new connection replaced the silent one", () => socketStatus().connections > connections && socketStatus().connected);
    await until("the gap is recorded", async () => (await gaps()).length > gapsBefore);
    expect((await gaps()).at(-1)!.reason).toMatch(/^disconnected \(code 4000: silent for more than 1000 ms/);
  });

  it("takes build_connection success:false as a failed connect, with a fresh token for the next try, and /readyz stays ready", async () => {
    const tokensBefore = env.emulator.controls.tokenRequests;
    const connections = socketStatus().connections;
    env.emulator.sockets.refuseNext(2);
    env.emulator.sockets.drop(subscriptionId);
    // The emulator counts a socket as connected once it accepts it; the door only once build_connection succeeded.
    const doorConnected = async () => ((await (await fetch(`${env.rollcall.url}/readyz`)).json()) as { doors?: Record<string, string> }).doors?.[`websocket:${subscriptionId}`] === "connected";
    await until("the door is connected after two refusals", async () => socketStatus().connected && socketStatus().connections > connections && (await doorConnected()));
    // Each refusal dropped its token: the third try asked for a new one.
    expect(env.emulator.controls.tokenRequests).toBeGreaterThanOrEqual(tokensBefore + 2);
    const ready = await fetch(`${env.rollcall.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", doors: { [`websocket:${subscriptionId}`]: "connected" } });
    const metrics = await (await fetch(`${env.rollcall.url}/metrics`)).text();
    expect(metrics).toContain(`rollcall_zoom_websocket_connected{subscription="${subscriptionId}"} 1`);
    expect(metrics).toMatch(new RegExp(`rollcall_zoom_websocket_reconnects_total\\{subscription="${subscriptionId}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`rollcall_zoom_websocket_messages_total\\{subscription="${subscriptionId}",outcome="stored"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`rollcall_zoom_websocket_gap_seconds_total\\{subscription="${subscriptionId}"\\} (0\\.[0-9]*[1-9]|[1-9][0-9.e+-]*)(\\n|$)`));
  });
});

describe("token renewal", () => {
  eachDatabase("a connection whose token expires every 3 s", (database) => {
    let env: ZoomAndRollcall;
    beforeAll(async () => {
      env = await startZoomAndRollcall(database().url, { websocket: true, tokenTtlSeconds: 3 });
      await until("the door is connected", () => env.emulator.sockets.status()[0]!.connected);
    });
    afterAll(async () => {
      await env?.stop();
    });

    it("is renewed with a fresh token before the emulator closes it, so no gap opens and no event is lost", async () => {
      const meetingId = String(env.world.createMeeting("me", { topic: "Renewal", type: 2 }).id);
      const sim = env.simulate(scenario(meetingId, env.world.accountId, Date.parse("2026-02-05T09:00:00Z"), "renewalInstance000001=="));
      const gapsAtStart = await env.rollcall.store.db.selectFrom("websocket_gaps").select("id").execute();
      let lost = 0;
      // Seven seconds: two expiries of a 3 s token. One event every 250 ms, each must arrive.
      for (let i = 0; i < 28; i++) {
        const d = sim.deliveries[i % sim.deliveries.length]!;
        if (!env.emulator.sockets.deliver(subscriptionId, JSON.stringify(d.body))) lost++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(lost).toBe(0);
      expect(env.emulator.sockets.status()[0]!.connections).toBeGreaterThanOrEqual(3);
      expect(await env.rollcall.store.db.selectFrom("websocket_gaps").select("id").execute()).toEqual(gapsAtStart);
    });
  });
});
