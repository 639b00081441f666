/**
 * The three threads Rollcall grew from, end to end through the real normaliser: raw Zoom bodies in,
 * attendance out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInstance, type Link, type NormalisedEvent } from "../../src/core/index.js";
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

describe("thread (devforum 13006, 2020): a registered guest, not logged in, whose leave shows the registrant id in `id`", () => {
  // The 2020 shape (capture 01): no event_ts, no participant_uuid, no email, no registrant_id. The
  // join has `id: ""`; the leave carries the registrant id in `id`. The thread's plan: "store the
  // registrant_id … match the leave's id with the registrant_id I stored … find the join with the
  // same user_id".
  const meeting = { uuid: "YLYv45EXYx38ZT9V0TikJQ==", id: "85688764842", type: 2, topic: "Weekly class", host_id: "KkREtE7EPEz4lQMFXXXNrA", duration: 60, start_time: "2020-10-16T15:49:01Z", timezone: "" };
  const body2020 = (event: string, participant: Record<string, unknown>) => ({ payload: { account_id: "8iDMnBxlL4kx5DOLzyT_4g", object: { ...meeting, participant } }, event });
  const registrantId = "aB3xK9pQRsq1mLw7Yt2ZvA";
  const join = body2020("meeting.participant_joined", { user_id: "16780288", user_name: "Qelvin", id: "", join_time: "2020-10-16T15:57:44Z" });
  const leave = body2020("meeting.participant_left", { leave_time: "2020-10-16T16:41:02Z", user_id: "16780288", user_name: "Qelvin", id: registrantId });
  const started = { payload: { account_id: "8iDMnBxlL4kx5DOLzyT_4g", object: meeting }, event: "meeting.started" };
  const links: Link[] = [{ method: "registrant_id", value: registrantId, userId: "student-12", meetingId: "85688764842" }];
  const [j, l, s] = normalise([join, leave, started]);
  const seconds = Date.parse("2020-10-16T16:41:02Z") - Date.parse("2020-10-16T15:57:44Z");

  it("resolves the whole session (join included) to the registrant, by registrant_id read from `id`, in any order and with duplicates", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(j!, l!, s!), { maxLength: 6 }), fc.array(fc.nat(), { minLength: 9, maxLength: 9 }), (extra, order) => {
        const all = [j!, l!, s!, ...extra.map((e) => structuredClone(e))];
        const shuffled = all.map((e, i) => ({ e, k: order[i]! })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const r = computeInstance(shuffled, links);
        expect(r.resolutions).toEqual([
          {
            sessionKey: "16780288",
            userId: "student-12",
            method: "registrant_id",
            confidence: 0.95,
            evidence: [{ method: "registrant_id", field: "id", value: registrantId, eventKey: l!.key, source: "webhook" }],
            conflicts: [],
          },
        ]);
        expect(r.unresolved).toEqual([]);
        expect(r.attendance).toEqual([
          expect.objectContaining({ userId: "student-12", resolvedBy: "registrant_id", attendedMs: seconds, firstJoin: Date.parse("2020-10-16T15:57:44Z"), lastLeave: Date.parse("2020-10-16T16:41:02Z"), sessions: 1 }),
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it("the same value known as a Zoom user id of someone else is a conflict, shown, with the registrant winning by precedence", () => {
    const r = computeInstance([j!, l!], [...links, { method: "zoom_user_id", value: registrantId, userId: "staff-3" }]);
    expect(r.resolutions[0]).toMatchObject({ userId: "student-12", method: "registrant_id", confidence: 0.95 * 0.5 });
    expect(r.resolutions[0]!.conflicts).toEqual([
      { userId: "staff-3", method: "zoom_user_id", evidence: [{ method: "zoom_user_id", field: "id", value: registrantId, eventKey: l!.key, source: "webhook" }] },
    ]);
  });

  it("a registrant link of another meeting does not match `id`", () => {
    const r = computeInstance([j!, l!], [{ method: "registrant_id", value: registrantId, userId: "student-12", meetingId: "99999999999" }]);
    expect(r.unresolved).toEqual([{ sessionKey: "16780288", userName: "Qelvin", attendedMs: seconds, reason: "identifier_unknown" }]);
  });

  it("`id` equal to participant_user_id is one identifier (participant_user_id); `id` alone still resolves a Zoom user id", () => {
    const both = normalise([
      body2020("meeting.participant_joined", { user_id: "16778240", user_name: "Host", id: "etqrO_Q8AKigWtS8rpfWuA", participant_user_id: "etqrO_Q8AKigWtS8rpfWuA", join_time: "2020-10-16T15:50:00Z" }),
    ]);
    const zoomLinks: Link[] = [{ method: "zoom_user_id", value: "etqrO_Q8AKigWtS8rpfWuA", userId: "host" }];
    const r1 = computeInstance(both, zoomLinks, { now: Date.parse("2020-10-16T16:00:00Z") });
    expect(r1.sessions[0]!.identifiers.map((i) => [i.field, i.value])).toEqual([
      ["participant_user_id", "etqrO_Q8AKigWtS8rpfWuA"],
      ["user_name", "Host"],
    ]);
    // Capture 02's shape: the host's own join with only `id` (no participant_user_id yet in 2020).
    const idOnly = normalise([body2020("meeting.participant_joined", { user_id: "16778240", user_name: "Host", id: "etqrO_Q8AKigWtS8rpfWuA", join_time: "2020-10-16T15:50:00Z" })]);
    const r2 = computeInstance(idOnly, zoomLinks, { now: Date.parse("2020-10-16T16:00:00Z") });
    expect(r2.resolutions[0]).toMatchObject({ userId: "host", method: "zoom_user_id", evidence: [{ field: "id", value: "etqrO_Q8AKigWtS8rpfWuA" }] });
  });
});
