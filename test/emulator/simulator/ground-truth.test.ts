import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import { mergeIntervals } from "../../../src/emulator/simulator/ground-truth.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";

// Hand-checked: every number below was worked out on paper from this timeline.
const small = parseScenario({
  meeting: { number: "81111111111", topic: "Ground truth", start: "2026-01-01T10:00:00Z", duration: 60 },
  end: { at: "60m" },
  breakouts: [{ opens: "20m", closes: "30m", rooms: [{ name: "R", participants: ["a"] }] }],
  participants: [
    // Waiting room 1m–2m does not count; the breakout (20m–30m) does; a real leave and rejoin.
    // [2m, 40m] + [45m, 60m] = 38m + 15m = 53 min = 3180 s, 2 connections.
    {
      id: "a",
      kind: "registered_guest",
      name: "Ana",
      email: "ana@example.com",
      timeline: [
        { do: "waiting_room", at: "1m" },
        { do: "admit", at: "2m" },
        { do: "leave", at: "40m" },
        { do: "join", at: "45m" },
      ],
    },
    // Bound to a: [5m, 50m] = 2700 s alone; for the person a: [2m,40m] ∪ [5m,50m] ∪ [45m,60m] = [2m,60m] = 3480 s.
    { id: "a-phone", kind: "phone", name: "Phone", phoneNumber: "15555550100", bindTo: "a", timeline: [{ do: "join", at: "5m" }, { do: "leave", at: "50m" }] },
    // Two devices: [0, 30m] ∪ [10m, 35m] = [0, 35m] = 2100 s, 2 connections; joined before the host.
    {
      id: "b",
      user: "app-b",
      kind: "sdk",
      name: "Ben",
      customerKey: "ckb",
      timeline: [
        { do: "join", at: 0, device: "laptop", jbh: true },
        { do: "join", at: "10m", device: "tablet" },
        { do: "leave", at: "30m", device: "laptop" },
        { do: "leave", at: "35m", device: "tablet" },
      ],
    },
    // Waited for the host and gave up: never attended.
    { id: "c", kind: "anonymous_guest", name: "C", timeline: [{ do: "jbh_wait", at: "-5m" }, { do: "leave", at: "-1m" }] },
    // Joins a minute before the host ends: 60 s, closed by the host's end.
    { id: "d", kind: "logged_in", name: "D", email: "d@example.com", timeline: [{ do: "join", at: "59m" }] },
  ],
});

describe("ground truth", () => {
  const sim = simulateMeeting(small, { seed: 3 });
  const byParticipant = Object.fromEntries(sim.groundTruth.byParticipant.map((e) => [e.key, e]));
  const byUser = Object.fromEntries(sim.groundTruth.byUser.map((e) => [e.key, e]));

  it("counts the meeting proper only, breakout time included, across rejoins", () => {
    expect(byParticipant.a).toMatchObject({ seconds: 3180, connections: 2, firstJoin: "2026-01-01T10:02:00Z", lastLeave: "2026-01-01T11:00:00Z" });
    expect(byParticipant.a!.intervals).toEqual([
      { join: "2026-01-01T10:02:00Z", leave: "2026-01-01T10:40:00Z" },
      { join: "2026-01-01T10:45:00Z", leave: "2026-01-01T11:00:00Z" },
    ]);
  });

  it("folds a bound phone leg into its person's session (its time counts, it is no session of its own) and unions overlapping time", () => {
    expect(byParticipant["a-phone"]).toMatchObject({ seconds: 2700, connections: 0, user: "a" });
    expect(byUser.a).toMatchObject({ seconds: 3480, connections: 2, firstJoin: "2026-01-01T10:02:00Z", lastLeave: "2026-01-01T11:00:00Z" });
  });

  it("unions two devices and reports under the app reference", () => {
    expect(byUser["app-b"]).toMatchObject({ seconds: 2100, connections: 2, firstJoin: "2026-01-01T10:00:00Z", lastLeave: "2026-01-01T10:35:00Z" });
  });

  it("gives zero to someone who never got in, and closes open sessions at the host's end", () => {
    expect(byParticipant.c).toMatchObject({ seconds: 0, connections: 0, firstJoin: null, lastLeave: null });
    expect(byParticipant.d).toMatchObject({ seconds: 60, connections: 1, lastLeave: "2026-01-01T11:00:00Z" });
  });

  it("agrees with the webhook stream it produced (joins to leaves, per participant_uuid)", () => {
    // Independent recomputation from the bodies: first main join to final leave of each connection.
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    for (const d of sim.deliveries) {
      const p = (d.body.payload as any).object.participant;
      if (!p?.participant_uuid) continue;
      if (/participant_joined$|joined_breakout_room$/.test(d.event)) {
        const t = Date.parse(p.join_time);
        first.set(p.participant_uuid, Math.min(first.get(p.participant_uuid) ?? Infinity, t));
      }
      if (/participant_left$|left_breakout_room$/.test(d.event)) {
        const t = Date.parse(p.leave_time);
        last.set(p.participant_uuid, Math.max(last.get(p.participant_uuid) ?? -Infinity, t));
      }
    }
    const total = [...first].reduce((sum, [uuid, join]) => sum + (last.get(uuid)! - join) / 1000, 0);
    const truthTotal = sim.groundTruth.byParticipant.reduce((sum, e) => sum + e.intervals.reduce((s, i) => s + (Date.parse(i.leave) - Date.parse(i.join)) / 1000, 0), 0);
    // Per participant the intervals are merged, so only the non-overlapping participants add up 1:1.
    expect(total).toBe(3180 + 2700 + 1800 + 1500 + 60);
    expect(truthTotal).toBe(3180 + 2700 + 2100 + 60);
  });

  it("reports one row per user_id whose durations add up to the connection", () => {
    const rowsOfA = sim.report.rows.filter((r) => r.registrant_id !== "" && r.registrant_id !== undefined && r.status === "in_meeting");
    // a's first connection: main, breakout, main again; then the rejoin: 4 rows.
    expect(rowsOfA).toHaveLength(4);
    expect(rowsOfA.reduce((s, r) => s + r.duration, 0)).toBe(3180);
    expect(rowsOfA.filter((r) => r.bo_mtg_id !== "")).toHaveLength(1);
    expect(new Set(rowsOfA.map((r) => r.user_id)).size).toBe(4);
    const sdkRows = sim.report.rows.filter((r) => r.customer_key === "ckb");
    expect(sdkRows.map((r) => r.duration).sort((x, y) => x - y)).toEqual([1500, 1800]);
  });

  it("lists the waiting-room stay as a row with status in_waiting_room, outside the attended time", () => {
    const waiting = sim.report.rows.filter((r) => r.status === "in_waiting_room");
    expect(waiting).toEqual([
      expect.objectContaining({ name: "Ana", join_time: "2026-01-01T10:01:00Z", leave_time: "2026-01-01T10:02:00Z", duration: 60, bo_mtg_id: "" }),
    ]);
    // The waiting-room user_id is kept on admission (emulator's choice, zoom-facts §6.7).
    expect(sim.report.rows.some((r) => r.status === "in_meeting" && r.user_id === waiting[0]!.user_id && r.join_time === "2026-01-01T10:02:00Z")).toBe(true);
  });

  it("merges intervals, touching ones included", () => {
    expect(mergeIntervals([[10, 20], [0, 5], [20, 30], [25, 26]])).toEqual([[0, 5], [10, 30]]);
  });
});
