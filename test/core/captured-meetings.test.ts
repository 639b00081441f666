/**
 * Whole captured meetings (zoom-captures 09 and 10) through normaliser + engine. The expected figures
 * were worked out by hand from the bodies (see the comments), not read back from the engine.
 */
import { describe, expect, it } from "vitest";
import { computeInstance, type NormalisedEvent } from "../../src/core/index.js";
import { normaliseZoomEvent } from "../../src/zoom/events/index.js";
import { captureFile } from "../zoom/events/captures.js";

const at = (iso: string) => Date.parse(iso);
const s = 1000;

function events(prefix: string): NormalisedEvent[] {
  return captureFile(prefix).flatMap((b) => {
    const r = normaliseZoomEvent(b);
    return r.status === "event" ? [r.event] : [];
  });
}

describe("capture 09: a live class with breakout moves, received out of order", () => {
  const evs = events("09");
  const result = computeInstance(evs, [], {});
  const byKey = new Map(result.sessions.map((x) => [x.sessionKey, x]));

  it("has seven sessions (six people; 참가자03 left and rejoined with a new participant_uuid)", () => {
    expect(result.sessions).toHaveLength(7);
    expect(new Set(result.sessions.flatMap((x) => x.names)).size).toBe(6);
    expect(result.instance).toMatchObject({ uuid: "TESTUUID0001==", meetingId: "10000000001", status: "ended", endTime: at("2026-04-03T19:47:57Z"), startTime: at("2026-04-03T10:56:58Z"), meetingType: 3 });
  });

  it("keeps breakout moves (left + joined in the same second, new user_id) inside one gap-free interval", () => {
    // EE57CA2F: joined 17:45:15 (67109888), moved 17:45:29 (83887104), left 18:43:55.
    expect(byKey.get("EE57CA2F-6867-3C4F-0919-B196E7606EFB")).toMatchObject({
      userIds: ["67109888", "83887104"],
      intervals: [{ from: at("2026-04-03T17:45:15Z"), to: at("2026-04-03T18:43:55Z"), closedByMeetingEnd: false, openedWithoutJoin: false }],
      attendedMs: 3520 * s,
    });
    // 47FDE129: 18:57:34 → move 18:58:02 → left 19:47:25 = 2991 s.
    expect(byKey.get("47FDE129-1FA0-12BA-6DCC-52E3A92BEDFD")!.attendedMs).toBe(2991 * s);
    // 7B0D57A8 moved six times; still one interval.
    expect(byKey.get("7B0D57A8-EFB9-B0D1-CC6C-6AA761D45A5F")!.userIds).toHaveLength(7);
    expect(byKey.get("7B0D57A8-EFB9-B0D1-CC6C-6AA761D45A5F")!.intervals).toHaveLength(1);
  });

  it("counts leaves that arrive after meeting.ended as real leaves", () => {
    // 0EA4BD28: 18:44:05 → move 18:44:16 → "Client Close" 19:47:57, delivered after meeting.ended.
    expect(byKey.get("0EA4BD28-DB6C-2176-5ABA-ACAC2B90C2C6")).toMatchObject({
      intervals: [{ from: at("2026-04-03T18:44:05Z"), to: at("2026-04-03T19:47:57Z"), closedByMeetingEnd: false }],
      attendedMs: 3832 * s,
    });
  });

  it("opens leaves without a join (receiver started late) at the instance start, flagged", () => {
    // FF10F02E only has a leave at 18:04:18; the instance started 10:56:58.
    expect(byKey.get("FF10F02E-B46E-4545-036E-7D64EA4A1737")!.intervals).toEqual([
      { from: at("2026-04-03T10:56:58Z"), to: at("2026-04-03T18:04:18Z"), closedByMeetingEnd: false, openedWithoutJoin: true },
    ]);
  });

  it("reports every session unresolved (guests, no identifiers) with its name, and a rejoin counts as a second session of one user once linked", () => {
    expect(result.attendance).toEqual([]);
    expect(result.unresolved.map((u) => u.reason)).toEqual(Array(7).fill("no_identifier"));
    const linked = computeInstance(evs, [
      { method: "manual", instanceUuid: "TESTUUID0001==", sessionKey: "EE57CA2F-6867-3C4F-0919-B196E7606EFB", userId: "student-3" },
      { method: "manual", instanceUuid: "TESTUUID0001==", sessionKey: "0EA4BD28-DB6C-2176-5ABA-ACAC2B90C2C6", userId: "student-3" },
    ]);
    // 3520 s + 3832 s, with a 10 s gap between 18:43:55 and 18:44:05.
    expect(linked.attendance).toEqual([
      expect.objectContaining({
        userId: "student-3",
        attendedMs: 7352 * s,
        sessions: 2,
        firstJoin: at("2026-04-03T17:45:15Z"),
        lastLeave: at("2026-04-03T19:47:57Z"),
        resolvedBy: "manual",
        confidence: 1,
        present: false,
        closedByMeetingEnd: false,
      }),
    ]);
    expect(linked.unresolved).toHaveLength(5);
  });
});

describe("capture 10: signed-in host, a rename mid-session", () => {
  const evs = events("10");
  const result = computeInstance(evs, [{ method: "zoom_user_id", value: "TESTUSER001", userId: "teacher" }], {});

  it("has six sessions and resolves the signed-in host by Zoom user id (e-mail blank)", () => {
    expect(result.sessions).toHaveLength(6);
    expect(result.attendance).toEqual([
      expect.objectContaining({ userId: "teacher", attendedMs: 8 * s, sessions: 1, resolvedBy: "zoom_user_id", confidence: 0.9 }),
    ]);
    const resolution = result.resolutions.find((r) => r.userId === "teacher")!;
    expect(resolution.evidence.map((e) => [e.method, e.field, e.value])).toEqual([
      ["zoom_user_id", "participant_user_id", "TESTUSER001"],
    ]);
  });

  it("keeps one session through the rename (participant_uuid unchanged) and reports the latest name", () => {
    const renamed = result.sessions.find((x) => x.sessionKey === "2397B55B-D278-2E82-C8A3-CB0F38FA6C9F")!;
    expect(renamed.names).toEqual(["참가자05", "참가자07"]);
    // 08:32:27 → 08:55:46 through three room moves.
    expect(renamed.intervals).toEqual([{ from: at("2026-04-11T08:32:27Z"), to: at("2026-04-11T08:55:46Z"), closedByMeetingEnd: false, openedWithoutJoin: false }]);
    expect(result.unresolved.find((u) => u.sessionKey === renamed.sessionKey)).toEqual({ sessionKey: renamed.sessionKey, userName: "참가자07", attendedMs: 1399 * s, reason: "no_identifier" });
  });

  it("measures the share against the instance span (06:33:13 → 09:50:53)", () => {
    expect(result.instance.spanFrom).toBe(at("2026-04-11T06:33:13Z"));
    expect(result.instance.spanTo).toBe(at("2026-04-11T09:50:53Z"));
    expect(result.attendance[0]!.shareOfInstance).toBeCloseTo(8 / (3 * 3600 + 17 * 60 + 40), 10);
  });
});
