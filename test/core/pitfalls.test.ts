/** One example per pitfall of zoom-facts §6 that the engine must handle. */
import { describe, expect, it } from "vitest";
import { computeInstance, type Link } from "../../src/core/index.js";
import { UUID, ended, joined, left, min, p, reportRow, started } from "./event-builders.js";

const M = 60_000;

describe("zoom-facts §6 pitfalls", () => {
  it("1. a redelivered stale leave does not close the newer connection, and duplicates change nothing", () => {
    const ann = { customerKey: "ck-ann" };
    const links: Link[] = [{ method: "customer_key", value: "ck-ann", userId: "ann" }];
    const firstLeave = left(min(10), { ...ann, userId: "16778240", participantUuid: "P1" });
    const events = [joined(min(0), { ...ann, userId: "16778240", participantUuid: "P1" }), firstLeave, joined(min(12), { ...ann, userId: "16780288", participantUuid: "P2" })];
    // The old leave comes again 25 minutes later (same content → same key), after the rejoin.
    const result = computeInstance([...events, structuredClone(firstLeave)], links, { now: min(40) });
    expect(result).toEqual(computeInstance(events, links, { now: min(40) }));
    expect(result.attendance).toEqual([expect.objectContaining({ userId: "ann", present: true, sessions: 2, attendedMs: 38 * M })]);
    // Same connection (legacy: no participant_uuid), a second distinct leave earlier than the rejoin stays stale.
    const legacy = computeInstance(
      [joined(min(0), { ...ann, userId: "7" }), left(min(10), { ...ann, userId: "7" }), joined(min(20), { ...ann, userId: "7" }), left(min(10), { ...ann, userId: "7" }, { key: "other-delivery", leaveReason: "x" })],
      links,
      { now: min(30) },
    );
    expect(legacy.sessions[0]!.intervals).toEqual([
      { from: min(0), to: min(10), closedByMeetingEnd: false, openedWithoutJoin: false },
      { from: min(20), closedByMeetingEnd: false, openedWithoutJoin: false },
    ]);
  });

  it("2. out-of-order join/leave: a late leave of the old user_id after the rejoin leaves the user present", () => {
    const inOrder = [joined(min(0), { userId: "16778240", customerKey: "k" }), left(min(5), { userId: "16778240", customerKey: "k" }), joined(min(6), { userId: "16780288", customerKey: "k" })];
    const arrived = [inOrder[0]!, inOrder[2]!, inOrder[1]!];
    const links: Link[] = [{ method: "customer_key", value: "k", userId: "u" }];
    const r = computeInstance(arrived, links, { now: min(10) });
    expect(r).toEqual(computeInstance(inOrder, links, { now: min(10) }));
    expect(r.attendance[0]).toMatchObject({ present: true, attendedMs: 9 * M, firstJoin: min(0) });
    expect(r.attendance[0]!.lastLeave).toBeUndefined();
  });

  it("3. a new user_id per rejoin: two sessions, one person, resolved through registrant_id", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "a1" }), left(min(10), { userId: "a1", registrantId: "reg" }), joined(min(20), { userId: "a2", registrantId: "reg" }), left(min(30), { userId: "a2" })],
      [{ method: "registrant_id", value: "reg", userId: "ann" }],
    );
    expect(r.sessions.map((s) => s.sessionKey)).toEqual(["a1", "a2"]);
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "ann", sessions: 2, attendedMs: 20 * M, firstJoin: min(0), lastLeave: min(30), resolvedBy: "registrant_id" })]);
  });

  it("4. a missing leave is closed by meeting.ended and marked; a real leave arriving later replaces it", () => {
    const join = joined(min(1), { userId: "1", participantUuid: "P" });
    const end = ended(min(60), min(0));
    const closed = computeInstance([started(min(0)), join, end], []);
    expect(closed.sessions[0]!.intervals).toEqual([{ from: min(1), to: min(60), closedByMeetingEnd: true, openedWithoutJoin: false }]);
    expect(closed.unresolved[0]).toMatchObject({ attendedMs: 59 * M });
    const late = computeInstance([started(min(0)), join, end, left(min(45), { userId: "1", participantUuid: "P" })], []);
    expect(late.sessions[0]!.intervals).toEqual([{ from: min(1), to: min(45), closedByMeetingEnd: false, openedWithoutJoin: false }]);
  });

  it("5. meeting.ended twice (host restarted): each open interval closes at the first end after it began", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "1", customerKey: "k" }), ended(min(30)), joined(min(40), { userId: "2", customerKey: "k" }), ended(min(70))],
      [{ method: "customer_key", value: "k", userId: "u" }],
    );
    expect(r.instance).toMatchObject({ status: "ended", endTime: min(70) });
    expect(r.attendance[0]!.intervals).toEqual([
      { from: min(0), to: min(30), closedByMeetingEnd: true, openedWithoutJoin: false },
      { from: min(40), to: min(70), closedByMeetingEnd: true, openedWithoutJoin: false },
    ]);
    expect(r.attendance[0]).toMatchObject({ closedByMeetingEnd: true, attendedMs: 60 * M, present: false });
  });

  it("6. join-before-host: jbh events are not attendance and start no session", () => {
    const r = computeInstance(
      [p("jbh_joined", min(0), { userName: "Greta" }), p("jbh_waiting", min(0), { userName: "Greta", customerKey: "ck" }), started(min(0)), joined(min(1), { userId: "1", userName: "Greta" }), left(min(3), { userId: "1", userName: "Greta" })],
      [{ method: "customer_key", value: "ck", userId: "greta" }],
    );
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.attendedMs).toBe(2 * M);
    expect(r.unresolved).toEqual([{ sessionKey: "1", userName: "Greta", attendedMs: 2 * M, reason: "no_identifier" }]);
  });

  it("7. waiting room: report rows with status in_waiting_room are never attendance", () => {
    const links: Link[] = [
      { method: "registrant_id", value: "reg-w", userId: "waiter" },
      { method: "registrant_id", value: "reg-a", userId: "admitted" },
    ];
    const r = computeInstance(
      [
        started(min(0)),
        // Waited 1–9 and was never admitted: the row carries a registrant id, and still no attendance.
        reportRow(min(1), min(9), { userId: "31", registrantId: "reg-w" }, "in_waiting_room"),
        // Waited 2–6 under the same user_id, was admitted at 6 and left at 30: only 6–30 counts,
        // and being put back in the waiting room 30–40 does not extend the last leave.
        reportRow(min(2), min(6), { userId: "32", registrantId: "reg-a" }, "in_waiting_room"),
        reportRow(min(6), min(30), { userId: "32", registrantId: "reg-a" }),
        reportRow(min(30), min(40), { userId: "32", registrantId: "reg-a" }, "in_waiting_room"),
        ended(min(60)),
      ],
      links,
    );
    expect(r.attendance.map((a) => a.userId)).toEqual(["admitted"]);
    expect(r.attendance[0]).toMatchObject({ attendedMs: 24 * M, firstJoin: min(6), lastLeave: min(30) });
    expect(r.sessions.flatMap((s) => s.intervals)).toEqual([{ from: min(6), to: min(30), closedByMeetingEnd: false, openedWithoutJoin: false }]);
  });

  it("7. waiting room: only time after admission counts, but its identifiers resolve the session", () => {
    const who = { userId: "5", participantUuid: "P5" };
    const r = computeInstance(
      [
        p("waiting_room_joined", min(0), { ...who, registrantId: "reg-5" }),
        p("admitted", min(5), who),
        joined(min(5), who),
        p("put_in_waiting_room", min(20), who),
        left(min(20), who),
        // Someone who waited and was never admitted: no session.
        p("waiting_room_joined", min(1), { userId: "6", participantUuid: "P6", registrantId: "reg-6" }),
        p("waiting_room_left", min(9), { userId: "6", participantUuid: "P6" }),
      ],
      [
        { method: "registrant_id", value: "reg-5", userId: "five" },
        { method: "registrant_id", value: "reg-6", userId: "six" },
      ],
    );
    expect(r.sessions.map((s) => s.sessionKey)).toEqual(["P5"]);
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "five", attendedMs: 15 * M, firstJoin: min(5) })]);
  });

  it("8. breakout rooms: main left + breakout joined (new user_id, parent_user_id) stay one session with no gap", () => {
    const r = computeInstance(
      [
        joined(min(0), { userId: "100", participantUuid: "P", customerKey: "k" }),
        left(min(10), { userId: "100", participantUuid: "P" }, { leaveReason: "left the meeting. Reason : left the meeting to join breakout room" }),
        // These breakout events lack participant_uuid: parent_user_id alone must join them to the session.
        p("breakout_joined", min(10), { userId: "2002026-02-02 11:21:31:000", parentUserId: "100" }),
        p("breakout_left", min(25), { userId: "2002026-02-02 11:21:31:000", parentUserId: "100" }),
        joined(min(25), { userId: "101", participantUuid: "P" }),
        left(min(40), { userId: "101", participantUuid: "P" }),
      ],
      [{ method: "customer_key", value: "k", userId: "kim" }],
    );
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]).toMatchObject({ sessionKey: "P", userIds: ["100", "101", "2002026-02-02 11:21:31:000"], intervals: [{ from: min(0), to: min(40) }] });
    expect(r.attendance[0]).toMatchObject({ userId: "kim", attendedMs: 40 * M, sessions: 1 });
  });

  it("9. a phone leg bound to a computer participant merges into that session", () => {
    const r = computeInstance(
      [
        joined(min(0), { userId: "c1", participantUuid: "PC", customerKey: "k" }),
        left(min(60), { userId: "c1", participantUuid: "PC" }),
        joined(min(5), { userId: "ph", participantUuid: "PP", phoneNumber: "5550100" }),
        left(min(55), { userId: "ph", participantUuid: "PP", phoneNumber: "5550100" }),
        p("bind", min(5), { userId: "ph", participantUuid: "PP", phoneNumber: "5550100" }, { boundTo: { userId: "c1", participantUuid: "PC" } }),
      ],
      [{ method: "customer_key", value: "k", userId: "pat" }],
    );
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]).toMatchObject({ sessionKey: "PC", participantUuid: "PC", mergedKeys: ["PP"], userIds: ["c1", "ph"], attendedMs: 60 * M });
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "pat", sessions: 1, attendedMs: 60 * M })]);
    expect(r.unresolved).toEqual([]);
  });

  it("9b. the computer side keeps the session key even when the bind event names the phone leg only by participant_uuid", () => {
    const r = computeInstance(
      [
        joined(min(0), { userId: "c1", participantUuid: "PC" }),
        left(min(60), { userId: "c1", participantUuid: "PC" }),
        joined(min(5), { userId: "ph", participantUuid: "AA-phone", phoneNumber: "5550100" }),
        left(min(65), { userId: "ph", participantUuid: "AA-phone" }),
        p("bind", min(5), { participantUuid: "AA-phone", phoneNumber: "5550100" }, { boundTo: { participantUuid: "PC" } }),
      ],
      [],
    );
    expect(r.sessions.map((s) => [s.sessionKey, s.mergedKeys, s.attendedMs])).toEqual([["PC", ["AA-phone"], 65 * M]]);
  });

  it("10. several devices at once count once", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "d1", email: "ann@example.com" }), left(min(30), { userId: "d1" }), joined(min(10), { userId: "d2", email: "ann@example.com" }), left(min(40), { userId: "d2" })],
      [{ method: "email", value: "ANN@example.com", userId: "ann" }],
    );
    expect(r.attendance[0]).toMatchObject({ attendedMs: 40 * M, sessions: 2, intervals: [{ from: min(0), to: min(40) }] });
  });

  it("11. failover: split report rows of one connection are unioned, not double-counted", () => {
    const r = computeInstance([reportRow(min(0), min(20), { userId: "f1", customerKey: "k" }), reportRow(min(20), min(40), { userId: "f2", customerKey: "k" })], [{ method: "customer_key", value: "k", userId: "u" }]);
    expect(r.attendance[0]).toMatchObject({ attendedMs: 40 * M, resolvedBy: "report", intervals: [{ from: min(0), to: min(40) }] });
    expect(r.sessions.every((s) => s.source === "report")).toBe(true);
  });

  it("12. e-mail matching ignores case; an absent e-mail is not an identifier", () => {
    const r = computeInstance([joined(min(0), { userId: "1", email: "dana@example.com" }), left(min(1), { userId: "1" }), joined(min(0), { userId: "2", userName: "Guest" }), left(min(1), { userId: "2" })], [{ method: "email", value: "Dana@Example.COM", userId: "dana" }]);
    expect(r.attendance.map((a) => a.userId)).toEqual(["dana"]);
    expect(r.unresolved).toEqual([expect.objectContaining({ sessionKey: "2", reason: "no_identifier" })]);
  });

  it("13. HIPAA/BAA: blank names and e-mails; registrant and Zoom user ids still resolve, the rest says names_hidden", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "1", registrantId: "r1" }), left(min(9), { userId: "1" }), joined(min(0), { userId: "2", zoomUserId: "zu" }), left(min(9), { userId: "2" }), joined(min(0), { userId: "3" }), left(min(9), { userId: "3" })],
      [
        { method: "registrant_id", value: "r1", userId: "one" },
        { method: "zoom_user_id", value: "zu", userId: "two" },
      ],
      { privacy: "drop" },
    );
    expect(r.attendance.map((a) => [a.userId, a.resolvedBy])).toEqual([
      ["one", "registrant_id"],
      ["two", "zoom_user_id"],
    ]);
    expect(r.unresolved).toEqual([{ sessionKey: "3", attendedMs: 9 * M, reason: "names_hidden" }]);
  });

  it("14. customer_key missing from webhooks but present in the report row: the report resolves the session", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "7", userName: "Sam" }), left(min(30), { userId: "7", userName: "Sam" }), reportRow(min(0), min(30), { userId: "7", customerKey: "ck-sam" })],
      [{ method: "customer_key", value: "ck-sam", userId: "sam" }],
    );
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.source).toBe("webhook");
    expect(r.resolutions[0]).toMatchObject({ userId: "sam", method: "customer_key", evidence: [{ source: "report", field: "customer_key" }] });
    expect(r.attendance[0]).toMatchObject({ resolvedBy: "report", attendedMs: 30 * M });
  });

  it("14b. a report row closes a session whose leave never came (instead of meeting.ended)", () => {
    const r = computeInstance([joined(min(0), { userId: "7" }), ended(min(60)), reportRow(min(0), min(42), { userId: "7" })], []);
    expect(r.sessions[0]!.intervals).toEqual([{ from: min(0), to: min(42), closedByMeetingEnd: false, openedWithoutJoin: false }]);
  });

  it("15. registrant_id missing on some events (role change, join) still resolves the session from any event", () => {
    const r = computeInstance(
      [joined(min(0), { userId: "1", participantUuid: "P" }), p("role_changed", min(3), { userId: "1", participantUuid: "P" }), left(min(10), { userId: "1", participantUuid: "P", registrantId: "reg-1" })],
      [{ method: "registrant_id", value: "reg-1", userId: "ann", meetingId: "81234567890" }],
    );
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "ann", attendedMs: 10 * M })]);
  });

  it("a registrant link of another meeting number does not apply", () => {
    const r = computeInstance([joined(min(0), { userId: "1", registrantId: "reg-1" }), left(min(10), { userId: "1" })], [{ method: "registrant_id", value: "reg-1", userId: "ann", meetingId: "999" }]);
    expect(r.unresolved).toEqual([expect.objectContaining({ reason: "identifier_unknown" })]);
  });

  it("events of another instance are refused loudly", () => {
    expect(() => computeInstance([joined(min(0), { userId: "1" }), { ...joined(min(1), { userId: "2" }), instanceUuid: "other==" }], [])).toThrow(/instanceUuid: expected "inst-uuid=="/);
    expect(UUID).toBe("inst-uuid==");
  });
});
