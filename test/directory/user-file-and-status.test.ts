import { describe, expect, it } from "vitest";
import { parseUserCsv, parseUserJson, UserImportError } from "../../src/directory/index.js";
import { attendanceStatus, DEFAULT_STATUS_POLICY } from "../../src/reports/index.js";
import { loadConfig } from "../../src/config/index.js";

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserImportError) return error.issues;
    throw error;
  }
  throw new Error("expected a UserImportError");
};

describe("user files", () => {
  it("reports every bad row and field with its path", () => {
    const text = JSON.stringify([
      { externalId: "u1", email: "u1@example.test" },
      { externalId: "", email: "not-mail" },
      { externalId: "u3", registrants: [{ meetingId: "abc", registrantId: "r" }], extra: 1 },
      { externalId: "u1" },
      "nope",
    ]);
    expect(issuesOf(() => parseUserJson(text, "users.json"))).toEqual([
      "users.json[1].externalId: expected a non-empty string",
      "users.json[1].email: expected an e-mail address",
      "users.json[2].registrants[0].meetingId: expected a meeting number (9 to 12 digits)",
      "users.json[2]: unknown field extra",
      "users.json[3].externalId: duplicate of users.json[0].externalId",
      "users.json[4]: expected an object {externalId, email?, name?, zoomUserIds?, customerKeys?, nameTokens?, registrants?}",
    ]);
    expect(issuesOf(() => parseUserJson("{", "users.json"))[0]).toMatch(/^users\.json: expected a JSON array of users/);
  });

  it("reads CSV with ;-separated or JSON array cells, and registrants as meetingId:registrantId pairs", () => {
    const csv = [
      "externalId,email,name,zoomUserIds,customerKeys,nameTokens,registrants",
      'u1,U1@Example.test,"Doe, Jo",ZU1;ZU2,"[""ck-1""]",,85012345678:reg-1;85012345679:reg-2',
      "u2,,,,,123456,",
    ].join("\n");
    expect(parseUserCsv(csv, "users.csv")).toEqual([
      {
        externalId: "u1",
        email: "U1@Example.test",
        name: "Doe, Jo",
        zoomUserIds: ["ZU1", "ZU2"],
        customerKeys: ["ck-1"],
        registrants: [
          { meetingId: "85012345678", registrantId: "reg-1" },
          { meetingId: "85012345679", registrantId: "reg-2" },
        ],
      },
      { externalId: "u2", nameTokens: ["123456"] },
    ]);
    expect(issuesOf(() => parseUserCsv("externalId,registrants,colour\nu1,reg-without-meeting,red\n", "users.csv"))).toEqual([
      "users.csv: unknown column colour (expected externalId, email, name, zoomUserIds, customerKeys, nameTokens, registrants)",
      'users.csv[0].registrants: expected meetingId:registrantId pairs separated by ";", got "reg-without-meeting"',
    ]);
  });
});

describe("status policy", () => {
  const start = Date.UTC(2026, 0, 1, 9);
  const m = (n: number) => start + n * 60_000;
  const ended = { startTime: start, endTime: m(60), ended: true };
  const status = (from: number, to: number, instance = ended, policy = DEFAULT_STATUS_POLICY) =>
    attendanceStatus({ attendedMs: m(to) - m(from), firstJoin: m(from), lastLeave: m(to) }, instance, policy);

  it("applies the default thresholds at their edges", () => {
    expect(status(0, 60)).toBe("present");
    expect(status(5, 60)).toBe("present"); // exactly the grace
    expect(status(6, 60)).toBe("late");
    expect(status(0, 55)).toBe("present"); // exactly the left-early margin
    expect(status(0, 54)).toBe("left_early");
    expect(status(10, 50)).toBe("partial"); // late and left early
    expect(status(0, 29)).toBe("partial"); // under half the instance
    expect(status(0, 30)).toBe("left_early");
    expect(attendanceStatus({ attendedMs: 59_999, firstJoin: m(0), lastLeave: m(1) }, ended)).toBe("absent");
    expect(attendanceStatus({ attendedMs: 0 }, ended)).toBe("absent");
  });

  it("decides each threshold exactly at it and one millisecond either side", () => {
    const minute = 60_000;
    const end = m(60);
    const at = (input: { attendedMs?: number; firstJoin?: number; lastLeave?: number }, policy = DEFAULT_STATUS_POLICY) =>
      attendanceStatus({ attendedMs: 60 * minute, firstJoin: start, lastLeave: end, ...input }, ended, policy);
    // minAttendedMinutes (1): exactly one minute attended counts (share ignored here).
    const noShare = { ...DEFAULT_STATUS_POLICY, partialBelowShare: 0 };
    expect([at({ attendedMs: minute - 1 }, noShare), at({ attendedMs: minute }, noShare), at({ attendedMs: minute + 1 }, noShare)]).toEqual(["absent", "present", "present"]);
    // partialBelowShare (0.5): exactly half the instance is not partial.
    expect([at({ attendedMs: 30 * minute - 1 }), at({ attendedMs: 30 * minute }), at({ attendedMs: 30 * minute + 1 })]).toEqual(["partial", "present", "present"]);
    // graceMinutes (5): joining exactly 5 minutes after the start is on time.
    expect([at({ firstJoin: m(5) - 1 }), at({ firstJoin: m(5) }), at({ firstJoin: m(5) + 1 })]).toEqual(["present", "present", "late"]);
    // leftEarlyMinutes (5): leaving exactly 5 minutes before the end is not early.
    expect([at({ lastLeave: m(55) - 1 }), at({ lastLeave: m(55) }), at({ lastLeave: m(55) + 1 })]).toEqual(["left_early", "present", "present"]);
    // Late and early together, each by one millisecond: partial.
    expect(at({ firstJoin: m(5) + 1, lastLeave: m(55) - 1 })).toBe("partial");
    expect(at({ firstJoin: m(5), lastLeave: m(55) })).toBe("present");
  });

  it("says only what is true while the instance is live: in the meeting, left, or never joined", () => {
    const live = { startTime: start, spanTo: m(30), ended: false };
    expect(attendanceStatus({ attendedMs: 20 * 60_000, firstJoin: m(0), lastLeave: m(20) }, live)).toBe("left");
    // Just joined: no time yet, but in the meeting, not absent.
    expect(attendanceStatus({ attendedMs: 0, firstJoin: m(30), lastLeave: null, present: true }, live)).toBe("in_meeting");
    expect(attendanceStatus({ attendedMs: 0, firstJoin: null }, live)).toBe("absent");
  });

  it("is configurable through ROLLCALL_STATUS_POLICY", () => {
    const config = loadConfig({ env: { ROLLCALL_STATUS_POLICY: '{"graceMinutes":10,"partialBelowShare":0.85}' } });
    expect(config.statusPolicy).toEqual({ graceMinutes: 10, leftEarlyMinutes: 5, minAttendedMinutes: 1, partialBelowShare: 0.85 });
    expect(status(8, 60, ended, config.statusPolicy)).toBe("present");
    expect(status(0, 50, ended, config.statusPolicy)).toBe("partial");
    expect(() => loadConfig({ env: { ROLLCALL_STATUS_POLICY: '{"graceMinutes":-1}' } })).toThrow(/^ROLLCALL_STATUS_POLICY \(statusPolicy\.graceMinutes\)/);
    expect(() => loadConfig({ env: { ROLLCALL_STATUS_POLICY: "{" } })).toThrow(/ROLLCALL_STATUS_POLICY: expected JSON/);
  });
});
