/**
 * A realistic meeting through real HTTP: signed Zoom webhooks in, attendance rows out, on SQLite and
 * PostgreSQL. Expected figures are worked out by hand from the event times below.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Link } from "../../src/core/index.js";
import { markInstancesForReprocessing } from "../../src/store/derived/index.js";
import { eachDatabase } from "../support/databases.js";
import { startTestRollcall, testSecret, type TestRollcall } from "./support/start-test-rollcall.js";
import { postSigned, zoomMeeting } from "./support/zoom-webhooks.js";
import { minutesFrom } from "../support/clock.js";

const min = 60_000;
const t0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const at = minutesFrom(t0);
const meeting = { accountId: "ACCT-A", uuid: "mtgUUID/e2e+1==", id: "85012345678", topic: "Quarterly review", hostId: "HOSTzoomId01", start: t0 };
const z = zoomMeeting(meeting);

const blank = { user_name: "", email: "", id: "", participant_user_id: "", registrant_id: "", customer_key: "" };
const ana1 = { ...blank, user_id: "16778240", participant_uuid: "A0000000-0000-4000-8000-000000000001", user_name: "Ana Guest", registrant_id: "reg-ana" };
const anaBo = { ...ana1, user_id: "16778249", parent_user_id: "16778240" };
const ana2 = { ...ana1, user_id: "16778250" };
const ben1 = { ...blank, user_id: "16778241", participant_uuid: "B0000000-0000-4000-8000-000000000001", user_name: "Ben Guest" };
const ben2 = { ...ben1, user_id: "16778242", participant_uuid: "B0000000-0000-4000-8000-000000000002", registrant_id: "reg-ben" };
// Meeting SDK join on an account that blanks names and e-mails: only the customer key tells who.
const cara = { ...blank, user_id: "16778243", participant_uuid: "C0000000-0000-4000-8000-000000000001", customer_key: "ck-cara" };
const dave = { ...blank, user_id: "16778244", participant_uuid: "D0000000-0000-4000-8000-000000000001", user_name: "Dave Staff", id: "ZUdave", participant_user_id: "ZUdave", email: "dave@corp.example" };
const eve = { ...blank, user_id: "16778245", participant_uuid: "E0000000-0000-4000-8000-000000000001", user_name: "Eve", customer_key: "ck-eve" };
const evePhone = { ...blank, user_id: "16778246", participant_uuid: "E0000000-0000-4000-8000-000000000002", user_name: "15551230000", phone_number: "+15551230000" };
const frank = { ...blank, user_id: "16778247", participant_uuid: "F0000000-0000-4000-8000-000000000001", user_name: "Frank Walkin" };

const benFirstLeave = z.left({ ...ben1, registrant_id: "reg-ben" }, at(10));

const stream = [
  z.started(),
  z.joined(dave, at(0)),
  z.joined(ana1, at(1)),
  z.joined(ben1, at(2)),
  z.joined(cara, at(3)),
  z.joined(eve, at(5)),
  z.joined(evePhone, at(6)),
  z.bind(evePhone, at(6), { userId: eve.user_id, participantUuid: eve.participant_uuid }),
  benFirstLeave, // the leave carries the registrant id the join lacked
  z.joined(ben2, at(12)),
  z.joined(frank, at(15)),
  // Breakout round: main-room leave, breakout room, back to the main room with a new user_id.
  z.left(ana1, at(20), "left the meeting. Reason : left the meeting to join breakout room"),
  z.breakoutJoined(anaBo, at(20), "BOroom1=="),
  z.breakoutLeft(anaBo, at(30), "BOroom1=="),
  z.joined(ana2, at(30)),
  z.left(cara, at(30)),
  z.left(ben2, at(40)),
  z.left(frank, at(45)),
  z.left(ana2, at(50)),
  z.left(eve, at(55)),
  z.left(evePhone, at(56)),
  // Dave never leaves: meeting.ended closes him.
  z.ended(at(60)),
];

const links: Link[] = [
  { method: "registrant_id", value: "reg-ana", userId: "ana", meetingId: meeting.id },
  { method: "registrant_id", value: "reg-ben", userId: "ben", meetingId: meeting.id },
  { method: "customer_key", value: "ck-cara", userId: "cara" },
  { method: "customer_key", value: "ck-eve", userId: "eve" },
  { method: "zoom_user_id", value: "ZUdave", userId: "dave" },
];

eachDatabase("pipeline: a realistic meeting end to end", (database) => {
  let service: TestRollcall;
  const current: Link[] = [...links];

  beforeAll(async () => {
    service = await startTestRollcall(database().url, async (_db, accountId) => (accountId === meeting.accountId ? [...current] : []));
    for (const body of stream) await postSigned(service.url, testSecret, body);
    // Zoom redelivers the stale first leave of Ben 85 minutes later, after his rejoin.
    expect((await postSigned(service.url, testSecret, benFirstLeave)).status).toBe("duplicate");
    await service.worker.idle();
  });
  afterAll(async () => {
    await service?.stop();
  });

  const db = () => service.rollcall.store.db;
  const attendanceOf = async () =>
    Object.fromEntries(
      (await db().selectFrom("attendance").selectAll().where("account_id", "=", meeting.accountId).where("instance_uuid", "=", meeting.uuid).execute()).map((r) => [r.user_id, r]),
    );

  it("stores the instance and the meeting", async () => {
    const instance = await db().selectFrom("instances").selectAll().executeTakeFirstOrThrow();
    expect(instance).toMatchObject({ account_id: "ACCT-A", instance_uuid: meeting.uuid, meeting_id: meeting.id, topic: "Quarterly review", host_id: "HOSTzoomId01", status: "ended", start_time: at(0), end_time: at(60), meeting_type: 2, product: "meeting" });
    const row = await db().selectFrom("meetings").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ account_id: "ACCT-A", meeting_id: meeting.id, topic: "Quarterly review", last_instance_uuid: meeting.uuid });
    const inbox = await db().selectFrom("inbox_events").select(["status"]).execute();
    expect(inbox.length).toBe(stream.length);
    expect(inbox.every((r) => r.status === "done")).toBe(true);
  });

  it("computes each user's attendance from the events' own times", async () => {
    const a = await attendanceOf();
    expect(Object.keys(a).sort()).toEqual(["ana", "ben", "cara", "dave", "eve"]);
    // Breakout moves keep Ana present: 10:01 to 10:50 without a gap.
    expect(a["ana"]).toMatchObject({ attended_ms: 49 * min, first_join: at(1), last_leave: at(50), resolved_by: "registrant_id", closed_by_meeting_end: 0 });
    // Two sessions; the first resolved by the registrant id only its leave carried; the stale leave changed nothing.
    expect(a["ben"]).toMatchObject({ attended_ms: 36 * min, sessions: 2, first_join: at(2), last_leave: at(40), resolved_by: "registrant_id" });
    expect(a["cara"]).toMatchObject({ attended_ms: 27 * min, resolved_by: "customer_key" });
    // No leave: closed by meeting.ended at 11:00.
    expect(a["dave"]).toMatchObject({ attended_ms: 60 * min, last_leave: at(60), closed_by_meeting_end: 1, resolved_by: "zoom_user_id" });
    // The phone leg is bound to Eve's computer session: one person, the union of both.
    expect(a["eve"]).toMatchObject({ attended_ms: 51 * min, first_join: at(5), last_leave: at(56), resolved_by: "customer_key" });
  });

  it("keeps every identifier seen on a session and the evidence of its resolution", async () => {
    const sessions = await db().selectFrom("participant_sessions").selectAll().execute();
    const benFirst = sessions.find((s) => JSON.parse(s.zoom_connection_ids_json).includes(ben1.user_id))!;
    const fields = JSON.parse(benFirst.identifiers_json).map((i: { field: string; value: string }) => `${i.field}=${i.value}`);
    expect(fields).toContain("registrant_id=reg-ben");
    const resolution = await db().selectFrom("session_resolutions").selectAll().where("session_key", "=", benFirst.session_key).executeTakeFirstOrThrow();
    expect(resolution).toMatchObject({ user_id: "ben", method: "registrant_id" });
    expect(JSON.parse(resolution.evidence_json)[0]).toMatchObject({ method: "registrant_id", field: "registrant_id", value: "reg-ben" });
    const indexed = await db().selectFrom("session_identifiers").select(["field", "value"]).where("session_key", "=", benFirst.session_key).execute();
    expect(indexed).toContainEqual({ field: "registrant_id", value: "reg-ben" });
  });

  it("leaves the walk-in guest unresolved, then resolves them once linked by hand", async () => {
    const unresolved = await db().selectFrom("session_resolutions").selectAll().where("user_id", "is", null).execute();
    expect(unresolved).toHaveLength(1);
    expect(unresolved[0]!.unresolved_reason).toBe("no_identifier");
    const session = await db().selectFrom("participant_sessions").selectAll().where("session_key", "=", unresolved[0]!.session_key).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ display_name: "Frank Walkin", attended_ms: 30 * min });

    current.push({ method: "manual", instanceUuid: meeting.uuid, sessionKey: session.session_key, userId: "frank" });
    expect(await markInstancesForReprocessing(db(), [meeting.uuid])).toBe(1);
    await service.worker.idle();

    const a = await attendanceOf();
    expect(a["frank"]).toMatchObject({ attended_ms: 30 * min, resolved_by: "manual", first_join: at(15), last_leave: at(45) });
    expect(a["ana"]!.attended_ms).toBe(49 * min);
    const instance = await db().selectFrom("instances").select(["needs_resolve"]).executeTakeFirstOrThrow();
    expect(instance.needs_resolve).toBe(0);
    expect(await db().selectFrom("session_resolutions").select("session_key").where("user_id", "is", null).execute()).toHaveLength(0);
  });
});
