import { describe, expect, it } from "vitest";
import { normaliseZoomEvent } from "../../../src/zoom/events/index.js";
import { captureFile } from "./captures.js";

const join = () => structuredClone(captureFile("07")[3]) as unknown as { payload: { object: Record<string, unknown> & { participant: Record<string, unknown> } } };

describe("rejections name the field and what was expected", () => {
  it("a body that is not an object", () => {
    const r = normaliseZoomEvent("hello");
    expect(r.status).toBe("rejected");
    if (r.status === "rejected") expect(r.issues[0]).toMatchObject({ path: "(body)", expected: "object" });
  });

  it("a missing event name", () => {
    const r = normaliseZoomEvent({ payload: { object: {} } });
    expect(r).toMatchObject({ status: "rejected", issues: [{ path: "event", expected: "string" }] });
  });

  it("a participant event without the instance uuid", () => {
    const body = join();
    delete body.payload.object["uuid"];
    const r = normaliseZoomEvent(body);
    expect(r).toMatchObject({ status: "rejected", issues: [{ path: "payload.object.uuid" }] });
  });

  it("a user_id that is an object", () => {
    const body = join();
    body.payload.object.participant["user_id"] = { nested: true };
    const r = normaliseZoomEvent(body);
    expect(r.status).toBe("rejected");
    if (r.status === "rejected") {
      expect(r.issues.map((i) => i.path)).toEqual(["payload.object.participant.user_id"]);
      expect(r.issues[0]!.message).toMatch(/^payload\.object\.participant\.user_id: /);
    }
  });

  it("a join_time that is not ISO-8601", () => {
    const body = join();
    body.payload.object.participant["join_time"] = "April 3rd";
    expect(normaliseZoomEvent(body)).toEqual({
      status: "rejected",
      issues: [{ path: "payload.object.participant.join_time", expected: "ISO-8601 date-time", message: expect.stringContaining('got "April 3rd"') }],
    });
  });

  it("a join with no time at all and no event_ts", () => {
    const body = join();
    delete body.payload.object.participant["join_time"];
    expect(normaliseZoomEvent(body)).toMatchObject({ status: "rejected", issues: [{ path: "payload.object.participant.join_time", expected: "ISO-8601 date-time" }] });
  });

  it("a registration without a registrant id", () => {
    const r = normaliseZoomEvent({ event: "meeting.registration_created", payload: { account_id: "a", object: { id: 1, uuid: "u", registrant: { email: "x@y.z" } } } });
    expect(r).toMatchObject({ status: "rejected", issues: [{ path: "payload.object.registrant.id" }] });
  });

  it("tolerates what Zoom really varies: numeric ids, null and empty optionals, unknown fields", () => {
    const body = join();
    body.payload.object["id"] = 89516094221;
    body.payload.object.participant["registrant_id"] = null;
    body.payload.object.participant["customer_key"] = "";
    body.payload.object.participant["something_new"] = { a: 1 };
    const r = normaliseZoomEvent(body);
    expect(r.status).toBe("event");
    if (r.status === "event") {
      expect(r.event.meetingId).toBe("89516094221");
      expect(r.event.type === "participant" && r.event.participant.customerKey).toBe(undefined);
    }
  });

  it("registration_created becomes a registration event", () => {
    const r = normaliseZoomEvent({
      event: "meeting.registration_created",
      event_ts: 1,
      payload: { account_id: "a", object: { id: 123, uuid: "u==", registrant: { id: "reg-1", email: "Dana@Example.com", first_name: "Dana", last_name: "K", join_url: "https://zoom.us/w/123?tk=abc" } } },
    });
    expect(r).toEqual({
      status: "event",
      event: { type: "registration", key: "meeting.registration_created|a|u==|reg-1|", accountId: "a", instanceUuid: "u==", meetingId: "123", product: "meeting", at: 1, source: "webhook", registrantId: "reg-1", email: "dana@example.com", name: "Dana K", joinUrl: "https://zoom.us/w/123?tk=abc" },
    });
  });
});
