/**
 * The three threads Rollcall grew from, end to end through the real normaliser: raw Zoom bodies in,
 * attendance out.
 */
import { describe, expect, it } from "vitest";
import { computeInstance, type NormalisedEvent } from "../../src/core/index.js";
import { normaliseZoomEvent, type NormaliseOptions } from "../../src/zoom/events/index.js";

const object = { uuid: "gngRXBNdZcnY7FkBvaf2qQ==", id: "84486953211", type: 2, topic: "Course", host_id: "HOST", duration: 60, start_time: "2026-05-04T10:00:00Z", timezone: "" };
function body(event: string, participant: Record<string, unknown>) {
  return { payload: { account_id: "ACC", object: { ...object, participant } }, event_ts: 1, event };
}
function normalise(bodies: unknown[], options?: NormaliseOptions): NormalisedEvent[] {
  return bodies.map((b) => {
    const r = normaliseZoomEvent(b, options);
    if (r.status !== "event") throw new Error(JSON.stringify(r));
    return r.event;
  });
}

describe("thread: a registered guest whose join lacks the registrant id but whose leave has it", () => {
  // As in capture 04: registrant_id null on the join, set on the leave (here the registrant's value).
  const join = body("meeting.participant_joined", { user_id: "16778240", user_name: "Guest", registrant_id: null, id: "", participant_user_id: "", email: "", join_time: "2026-05-04T10:02:00Z", participant_uuid: "AAAA-1" });
  const leave = body("meeting.participant_left", { user_id: "16778240", user_name: "Guest", registrant_id: "reg-77", id: "", participant_user_id: "", email: "", leave_time: "2026-05-04T10:50:00Z", leave_reason: "left the meeting. Reason : left the meeting", participant_uuid: "AAAA-1" });
  const links = [{ method: "registrant_id" as const, value: "reg-77", userId: "student-77", meetingId: "84486953211" }];

  it("is resolved from the leave, for the whole session, whichever event arrives first", () => {
    const [j, l] = normalise([join, leave]);
    for (const order of [
      [j!, l!],
      [l!, j!],
    ]) {
      const r = computeInstance(order, links);
      expect(r.resolutions).toEqual([
        {
          sessionKey: "AAAA-1",
          userId: "student-77",
          method: "registrant_id",
          confidence: 0.95,
          evidence: [{ method: "registrant_id", field: "registrant_id", value: "reg-77", eventKey: l!.key, source: "webhook" }],
          conflicts: [],
        },
      ]);
      expect(r.attendance).toEqual([expect.objectContaining({ userId: "student-77", attendedMs: 48 * 60_000, firstJoin: Date.parse("2026-05-04T10:02:00Z"), lastLeave: Date.parse("2026-05-04T10:50:00Z") })]);
    }
  });

  it("before the leave arrives, the open session is unresolved (identifier not seen yet), then resolves", () => {
    const [j] = normalise([join]);
    const r = computeInstance([j!], links, { now: Date.parse("2026-05-04T10:12:00Z") });
    expect(r.unresolved).toEqual([{ sessionKey: "AAAA-1", userName: "Guest", attendedMs: 10 * 60_000, reason: "no_identifier" }]);
  });
});

describe("thread: an SDK join on a HIPAA account, customer_key the only identifier, names and e-mails blank", () => {
  const join = body("meeting.participant_joined", { user_id: "16779264", user_name: "", id: "", participant_user_id: "", email: "", customer_key: "app-user-9", join_time: "2026-05-04T10:00:30Z", participant_uuid: "BBBB-2" });
  const leave = body("meeting.participant_left", { user_id: "16779264", user_name: "", id: "", participant_user_id: "", email: "", customer_key: "app-user-9", leave_time: "2026-05-04T10:30:30Z", participant_uuid: "BBBB-2" });
  const links = [
    { method: "customer_key" as const, value: "app-user-9", userId: "patient-9" },
    { method: "email" as const, value: "someone@example.com", userId: "someone" },
  ];

  it.each(["store", "hash", "drop"] as const)("resolves by customer_key under privacy %s", (privacy) => {
    const events = normalise([join, leave], { privacy, hashKey: "k" });
    const r = computeInstance(events, links, { privacy });
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "patient-9", resolvedBy: "customer_key", attendedMs: 30 * 60_000, confidence: 0.99 })]);
    expect(r.sessions[0]!.names).toEqual([]);
  });

  it("without the customer key, says the names were hidden", () => {
    const events = normalise([join, leave]);
    const r = computeInstance(events, [], {});
    expect(r.unresolved).toEqual([{ sessionKey: "BBBB-2", attendedMs: 30 * 60_000, reason: "identifier_unknown" }]);
    const stripped = normalise([join, leave].map((b) => ({ ...b, payload: { ...b.payload, object: { ...b.payload.object, participant: { ...b.payload.object.participant, customer_key: "" } } } })));
    expect(computeInstance(stripped, links, {}).unresolved).toEqual([{ sessionKey: "BBBB-2", attendedMs: 30 * 60_000, reason: "names_hidden" }]);
  });
});

describe("thread: a rename between join and leave", () => {
  const join = body("meeting.participant_joined", { user_id: "16780288", user_name: "Dana [rc:7f3k]", email: "", join_time: "2026-05-04T10:05:00Z", participant_uuid: "CCCC-3" });
  const leave = body("meeting.participant_left", { user_id: "16780288", user_name: "Dana (away)", email: "", leave_time: "2026-05-04T10:35:00Z", participant_uuid: "CCCC-3" });
  const links = [{ method: "name_token" as const, value: "7f3k", userId: "dana" }];

  it("keeps one session and resolves it by the token seen before the rename", () => {
    const r = computeInstance(normalise([leave, join]), links);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.names).toEqual(["Dana (away)", "Dana [rc:7f3k]"]);
    expect(r.attendance).toEqual([expect.objectContaining({ userId: "dana", resolvedBy: "name_token", confidence: 0.6, attendedMs: 30 * 60_000 })]);
    expect(r.resolutions[0]!.evidence).toEqual([{ method: "name_token", field: "user_name", value: "7f3k", eventKey: normalise([join])[0]!.key, source: "webhook" }]);
  });

  it("a rename *to* a token resolves the earlier part of the session too", () => {
    const renamedIn = normalise([
      body("meeting.participant_joined", { user_id: "1", user_name: "Dana", join_time: "2026-05-04T10:05:00Z", participant_uuid: "DDDD-4" }),
      body("meeting.participant_left", { user_id: "1", user_name: "Dana [rc:7f3k]", leave_time: "2026-05-04T10:35:00Z", participant_uuid: "DDDD-4" }),
    ]);
    expect(computeInstance(renamedIn, links).attendance).toEqual([expect.objectContaining({ userId: "dana", attendedMs: 30 * 60_000, firstJoin: Date.parse("2026-05-04T10:05:00Z") })]);
  });
});
