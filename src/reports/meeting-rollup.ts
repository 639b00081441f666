import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { attendanceReport, type AttendanceReport, type AttendanceReportOptions } from "./attendance-report.js";
import type { AttendanceStatus } from "./status-policy.js";

/** One user's line of the roll-up. */
export interface RollupUser {
  externalId: string;
  /** Instances with a status other than `absent`. */
  instancesAttended: number;
  totalSeconds: number;
  /** One entry per instance of the roll-up, in the same order; `status` null when the user was neither there nor expected. */
  instances: Array<{ uuid: string; status: AttendanceStatus | null; attendedSeconds: number }>;
}

/** `rollcall attendance --meeting ID`: a recurring meeting's attendance per user across its instances. */
export interface MeetingRollup {
  meetingId: string;
  topic: string | null;
  instances: Array<AttendanceReport["instance"]>;
  users: RollupUser[];
}

/**
 * Rolls up every instance of one meeting number (oldest first): per user, the instances attended,
 * the total time and each instance's status (expected users count as `absent` where they missed one).
 * Undefined when no instance of the meeting is known.
 */
export async function meetingRollup(db: Kysely<Database>, meetingId: string, options: AttendanceReportOptions = {}): Promise<MeetingRollup | undefined> {
  let query = db.selectFrom("instances").select(["instance_uuid", "start_time"]).where("meeting_id", "=", meetingId);
  if (options.accountId !== undefined) query = query.where("account_id", "=", options.accountId);
  const instances = await query.orderBy("start_time").orderBy("instance_uuid").execute();
  if (instances.length === 0) return undefined;
  const reports: AttendanceReport[] = [];
  for (const instance of instances) {
    const report = await attendanceReport(db, instance.instance_uuid, options);
    if (report) reports.push(report);
  }
  const users = new Map<string, RollupUser>();
  reports.forEach((report, index) => {
    for (const attendee of report.attendees) {
      let user = users.get(attendee.externalId);
      if (!user) {
        user = { externalId: attendee.externalId, instancesAttended: 0, totalSeconds: 0, instances: reports.map((r) => ({ uuid: r.instance.uuid, status: null, attendedSeconds: 0 })) };
        users.set(attendee.externalId, user);
      }
      user.instances[index] = { uuid: report.instance.uuid, status: attendee.status, attendedSeconds: attendee.attendedSeconds };
      user.totalSeconds += attendee.attendedSeconds;
      if (attendee.status !== "absent") user.instancesAttended++;
    }
  });
  return {
    meetingId,
    topic: reports.at(-1)?.instance.topic ?? null,
    instances: reports.map((r) => r.instance),
    users: [...users.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0)),
  };
}
