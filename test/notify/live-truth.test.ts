import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_ACCOUNT, importUsers } from "../../src/directory/index.js";
import { addEndpoint } from "../../src/notify/index.js";
import type { RunningRollcall } from "../../src/service/index.js";
import { eachDatabase } from "../support/databases.js";
import { iso, postSigned, zoomMeeting } from "../pipeline/support/zoom-webhooks.js";
import { eventually } from "./support/receiver.js";
import { startNotifyService, zoomSecret } from "./support/notify-service.js";

const minute = 60_000;
const start = Date.UTC(2026, 11, 1, 9, 0, 0);
const uuid = "LiveTruthUuid0000000001==";
const meeting = zoomMeeting({ accountId: "acct-truth", uuid, id: "81234567892", topic: "Truth", hostId: "HOST01", start });
const dana = { user_name: "Dana", participant_uuid: "PU-DANA", user_id: "16778240", customer_key: "cust-dana" };
const kim = { user_name: "Kim", participant_uuid: "PU-KIM", user_id: "16778242", customer_key: "cust-kim" };
// Late binding, shuffled: Lee's leave (the event carrying the registrant id) arrives before the join that lacked it.
const leeJoin = { user_name: "Lee", participant_uuid: "PU-LEE", user_id: "16778241" };
const leeLeave = { ...leeJoin, registrant_id: "REG-LEE-1" };

interface Sent {
  type: string;
  data: any;
}

eachDatabase("what Rollcall pushes while the meeting runs", (database) => {
  let rollcall: RunningRollcall;
  let endpointId: string;

  beforeAll(async () => {
    // No sender: every message stays in the outbox, in the order a receiver would get it.
    ({ rollcall } = await startNotifyService(database().url, {}, [], { withoutSender: true }));
    await importUsers(
      rollcall.store.db,
      [
        { externalId: "dana", customerKeys: ["cust-dana"] },
        { externalId: "kim", customerKeys: ["cust-kim"] },
        { externalId: "lee", registrants: [{ meetingId: "81234567892", registrantId: "REG-LEE-1" }] },
      ],
      { accountId: DEFAULT_ACCOUNT, privacy: { privacy: "store" } },
    );
    endpointId = (await addEndpoint(rollcall.store.db, { url: "http://127.0.0.1:9/never-called" }, { allowPrivate: true })).endpoint.id;
  });
  afterAll(async () => {
    await rollcall?.stop();
  });

  /** Posts one body and waits until the pipeline has applied it, so each step is its own change. */
  async function step(body: unknown): Promise<void> {
    await postSigned(rollcall.url, zoomSecret, body);
    await eventually(async () => (await rollcall.store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending").execute()).length === 0, 60_000, "the pipeline");
  }
  /** Every event announced (the live stream's log: nothing coalesced), in order. */
  const announced = async (): Promise<Sent[]> =>
    (await rollcall.store.db.selectFrom("notify_events").select("body").where("instance_uuid", "=", uuid).orderBy("id").execute()).map((r) => JSON.parse(r.body) as Sent);
  /** The endpoint's outbox, in the order it is delivered. */
  const outbox = async (): Promise<Sent[]> =>
    (await rollcall.store.db.selectFrom("webhook_messages").select("body").where("endpoint_id", "=", endpointId).where("instance_uuid", "=", uuid).orderBy("id").execute()).map(
      (r) => JSON.parse(r.body) as Sent,
    );
  const rowsOf = (events: Sent[], user: string) => events.filter((e) => e.type === "attendance.updated" && e.data.attendee.externalId === user).map((e) => e.data.attendee);
  const sessionEventsOf = (events: Sent[], user: string) => events.filter((e) => e.type.startsWith("attendee.") && e.data.externalId === user).map((e) => ({ type: e.type, joinTime: e.data.joinTime, leaveTime: e.data.leaveTime }));

  it("pushes a live join as in_meeting with asOf, never absent, and never an invented join time", async () => {
    await step(meeting.started());
    await step(meeting.joined(dana, start + 1 * minute));
    expect(rowsOf(await announced(), "dana")).toEqual([
      expect.objectContaining({ status: "in_meeting", attendedSeconds: 0, firstJoin: iso(start + minute), lastLeave: null, asOf: iso(start + minute), sessions: 1 }),
    ]);

    await step(meeting.joined(kim, start + 5 * minute));
    await step(meeting.left(leeLeave, start + 50 * minute));
    // The leave alone: Lee was in the meeting, but since when is not known yet.
    expect(sessionEventsOf(await announced(), "lee")).toEqual([
      { type: "attendee.joined", joinTime: null, leaveTime: undefined },
      { type: "attendee.left", joinTime: null, leaveTime: iso(start + 50 * minute) },
    ]);
    expect(rowsOf(await announced(), "lee").at(-1)).toMatchObject({ status: "left", firstJoin: null, lastLeave: iso(start + 50 * minute), asOf: null });

    await step(meeting.left(dana, start + 45 * minute));
    await step(meeting.joined(leeJoin, start + 1 * minute));
    // The real join time arrives: said for that sessionKey, then the session's end again with both times right.
    expect(sessionEventsOf(await announced(), "lee").slice(2)).toEqual([
      { type: "attendee.joined", joinTime: iso(start + minute), leaveTime: undefined },
      { type: "attendee.left", joinTime: iso(start + minute), leaveTime: iso(start + 50 * minute) },
    ]);
    expect(rowsOf(await announced(), "lee").at(-1)).toMatchObject({ status: "left", firstJoin: iso(start + minute), attendedSeconds: 49 * 60 });
    // Kim is still connected; her row counts up to the latest event Rollcall has seen.
    const report = await (await import("../../src/reports/index.js")).attendanceReport(rollcall.store.db, uuid);
    expect(report!.attendees.find((a) => a.externalId === "kim")).toMatchObject({ status: "in_meeting", attendedSeconds: 45 * 60, asOf: iso(start + 50 * minute), lastLeave: null });

    await step(meeting.ended(start + 60 * minute));
    const events = await announced();
    // Once ended, the policy's statuses, also for rows whose figures did not change (Dana left at 09:45).
    expect(rowsOf(events, "dana").at(-1)).toMatchObject({ status: "left_early", asOf: null });
    expect(rowsOf(events, "kim").at(-1)).toMatchObject({ status: "present", closedByMeetingEnd: true, asOf: null });
    for (const e of events) {
      if (e.type === "attendance.updated") expect(e.data.attendee.status).not.toBe("absent");
      // 09:50 is Lee's leave: never pushed as a join time.
      if (e.data.joinTime !== undefined) expect(e.data.joinTime).not.toBe(iso(start + 50 * minute));
      if (e.type === "attendance.updated") expect(e.data.attendee.firstJoin).not.toBe(iso(start + 50 * minute));
    }
  }, 180_000);

  it("sends each change's attendee events before the attendance.updated that follows from them, with one coalesced row per user", async () => {
    const queue = await outbox();
    for (const user of ["dana", "kim", "lee"]) {
      const mine = queue.map((e, i) => ({ e, i })).filter(({ e }) => (e.data.externalId ?? e.data.attendee?.externalId) === user);
      const rows = mine.filter(({ e }) => e.type === "attendance.updated");
      expect(rows).toHaveLength(1); // nothing was delivered: the burst coalesced into the latest row
      const lastSessionEvent = mine.filter(({ e }) => e.type.startsWith("attendee.")).at(-1)!;
      expect(rows[0]!.i).toBeGreaterThan(lastSessionEvent.i);
    }
  });
});
