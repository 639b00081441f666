/**
 * The forum thread Rollcall grew from (devforum 13006, 2020), through real HTTP on SQLite and
 * PostgreSQL: a registered participant who was not logged in to Zoom joins with no `id`; the
 * `participant_left` carries the registrant id in `id` (no `registrant_id`). The thread's plan:
 * "store the registrant_id … match the leave's id with the registrant_id I stored … find the join
 * with the same user_id". Bodies have the 2020 shape: no `event_ts`, no `participant_uuid`, no email.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { importUsers, loadLinks } from "../../src/directory/index.js";
import { reprocess } from "../../src/pipeline/index.js";
import { attendanceReport } from "../../src/reports/index.js";
import { eachDatabase } from "../support/databases.js";
import { derivedSnapshot } from "./support/derived-snapshot.js";
import { startTestRollcall, testSecret, type TestRollcall } from "./support/start-test-rollcall.js";
import { iso, postSigned } from "./support/zoom-webhooks.js";

const ACCOUNT = "8iDMnBxlL4kx5DOLzyT_4g";
const MEETING = "85688764842";
const REGISTRANT = "aB3xK9pQRsq1mLw7Yt2ZvA";
const LATE_REGISTRANT = "Zq81LmPw0Rt5UvXy3Ab9Cd";
const start = Date.UTC(2020, 9, 16, 15, 49, 1);
const joinAt = start + 8 * 60_000 + 43_000; // 15:57:44
const leaveAt = joinAt + 43 * 60_000 + 18_000; // 16:41:02: 2598 s in the meeting

/** One instance of the thread's meeting, in the 2020 shape (no event_ts anywhere). */
function instance(uuid: string, registrantId: string) {
  const object = { uuid, id: MEETING, type: 2, topic: "Weekly class", host_id: "KkREtE7EPEz4lQMFXXXNrA", duration: 60, start_time: iso(start), timezone: "" };
  const envelope = (event: string, extra: Record<string, unknown> = {}) => ({ payload: { account_id: ACCOUNT, object: { ...object, ...extra } }, event });
  return {
    uuid,
    started: envelope("meeting.started"),
    join: envelope("meeting.participant_joined", { participant: { user_id: "16780288", user_name: "Qelvin", id: "", join_time: iso(joinAt) } }),
    leave: envelope("meeting.participant_left", { participant: { leave_time: iso(leaveAt), user_id: "16780288", user_name: "Qelvin", id: registrantId } }),
    ended: envelope("meeting.ended", { end_time: iso(start + 60 * 60_000) }),
  };
}

// Three instances, three arrival orders, with redeliveries; a fourth whose registrant becomes known only later.
const a = instance("thread2020/A+1==", REGISTRANT);
const b = instance("thread2020/B+2==", REGISTRANT);
const c = instance("thread2020/C+3==", REGISTRANT);
const late = instance("thread2020/D+4==", LATE_REGISTRANT);
const arrivals = [
  [a.leave, a.started, a.join, a.leave, a.ended],
  [b.started, b.join, b.ended, b.leave, b.join, b.leave],
  [c.ended, c.leave, c.leave, c.started, c.join],
  [late.started, late.join, late.leave, late.ended],
];

eachDatabase("pipeline: the 2020 thread's registrant id in the leave's `id`", (database) => {
  let service: TestRollcall;

  beforeAll(async () => {
    service = await startTestRollcall(database().url, loadLinks);
    const db = service.rollcall.store.db;
    await importUsers(db, [{ externalId: "student-12", registrants: [{ meetingId: MEETING, registrantId: REGISTRANT }] }, { externalId: "student-40" }], { accountId: "*", privacy: { privacy: "store" } });
    // Interleave the instances' arrivals, as Zoom delivers concurrent meetings.
    for (let i = 0; i < Math.max(...arrivals.map((x) => x.length)); i++) {
      for (const list of arrivals) if (i < list.length) await postSigned(service.url, testSecret, list[i]);
    }
    await service.worker.idle();
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it("resolves the whole session, join included, to the registrant with the right seconds, whatever the arrival order", async () => {
    for (const uuid of [a.uuid, b.uuid, c.uuid]) {
      const report = await attendanceReport(service.rollcall.store.db, uuid);
      expect(report?.unresolved).toEqual([]);
      expect(report?.attendees).toEqual([
        expect.objectContaining({ externalId: "student-12", attendedSeconds: 2598, firstJoin: iso(joinAt), lastLeave: iso(leaveAt), sessions: 1, resolvedBy: "registrant_id" }),
      ]);
      const resolution = await service.rollcall.store.db.selectFrom("session_resolutions").selectAll().where("instance_uuid", "=", uuid).executeTakeFirstOrThrow();
      expect(JSON.parse(resolution.evidence_json)).toEqual([{ method: "registrant_id", field: "id", value: REGISTRANT, eventKey: expect.any(String), source: "webhook" }]);
    }
  });

  it("a registrant link made after the meeting re-resolves it (the store finds the value under `id`)", async () => {
    const db = service.rollcall.store.db;
    expect((await attendanceReport(db, late.uuid))?.unresolved).toEqual([expect.objectContaining({ sessionKey: "16780288", attendedSeconds: 2598, reason: "identifier_unknown" })]);
    const result = await importUsers(db, [{ externalId: "student-40", registrants: [{ meetingId: MEETING, registrantId: LATE_REGISTRANT }] }], { accountId: "*", privacy: { privacy: "store" } });
    expect(result.reresolvedInstances).toEqual([late.uuid]);
    await service.worker.idle();
    const report = await attendanceReport(db, late.uuid);
    expect(report?.unresolved).toEqual([]);
    expect(report?.attendees.find((x) => x.externalId === "student-40")).toMatchObject({ attendedSeconds: 2598, resolvedBy: "registrant_id" });
  });

  it("reprocess rebuilds the same rows from the inbox", async () => {
    const store = service.rollcall.store;
    const before = await derivedSnapshot(store.db);
    await reprocess(store, { loadLinks });
    // The service's own worker runs beside reprocess and may claim some of the rows it put back.
    await service.worker.idle();
    expect(await derivedSnapshot(store.db)).toEqual(before);
  });
});
