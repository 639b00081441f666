import { describe, expect, it } from "vitest";
import { normaliseReportRow } from "../../../src/zoom/events/index.js";

const ctx = { instanceUuid: "u==", meetingId: "123", accountId: "acc" };
const row = {
  id: "",
  user_id: "16778240",
  name: "Dana [rc:7f3k]",
  user_email: "Dana@Example.com",
  join_time: "2026-04-03T17:00:00Z",
  leave_time: "2026-04-03T18:00:00Z",
  duration: 3600,
  registrant_id: "reg-1",
  customer_key: "",
  participant_user_id: "",
  status: "in_meeting",
  bo_mtg_id: "",
};

describe("normaliseReportRow", () => {
  it("turns a report row into a whole connection with its identifiers", () => {
    expect(normaliseReportRow(row, ctx)).toEqual({
      status: "event",
      event: {
        type: "report_row",
        key: "report|u==|16778240|||2026-04-03T17:00:00Z|2026-04-03T18:00:00Z",
        accountId: "acc",
        instanceUuid: "u==",
        meetingId: "123",
        product: "meeting",
        at: Date.parse("2026-04-03T17:00:00Z"),
        leaveAt: Date.parse("2026-04-03T18:00:00Z"),
        source: "report",
        status: "in_meeting",
        participant: { userId: "16778240", userName: "Dana [rc:7f3k]", email: "dana@example.com", registrantId: "reg-1" },
      },
    });
  });

  it("keeps the deprecated id apart (it may hold a registrant id), keeps bo_mtg_id, and applies privacy", () => {
    const r = normaliseReportRow({ ...row, id: "zoom-user-1", bo_mtg_id: "bo-9" }, ctx, { privacy: "drop" });
    expect(r).toMatchObject({ status: "event", event: { breakoutRoomId: "bo-9", participant: { id: "zoom-user-1", zoomUserId: undefined } } });
    // The same value in both fields is one identifier, participant_user_id.
    expect(normaliseReportRow({ ...row, id: "zoom-user-1", participant_user_id: "zoom-user-1" }, ctx)).toMatchObject({ event: { participant: { id: undefined, zoomUserId: "zoom-user-1" } } });
    if (r.status === "event" && r.event.type === "report_row") {
      expect(r.event.participant.userName).toBeUndefined();
      expect(r.event.participant.email).toBeUndefined();
    }
  });

  it("rejects rows with unreadable times, naming the field", () => {
    expect(normaliseReportRow({ ...row, leave_time: "soon" }, ctx)).toMatchObject({ status: "rejected", issues: [{ path: "leave_time", expected: "ISO-8601 date-time" }] });
    expect(normaliseReportRow({ ...row, join_time: undefined }, ctx)).toMatchObject({ status: "rejected", issues: [{ path: "join_time" }] });
    expect(normaliseReportRow({ ...row, leave_time: "2026-04-03T16:00:00Z" }, ctx)).toMatchObject({ status: "rejected", issues: [{ path: "leave_time", expected: "a time at or after join_time" }] });
  });
});
