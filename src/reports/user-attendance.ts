import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import type { Database } from "../store/index.js";
import { attendanceStatus, DEFAULT_STATUS_POLICY, type AttendanceStatus } from "./status-policy.js";

/** One instance a user attended. Times ISO-8601 UTC. */
export interface UserAttendanceRow {
  instanceUuid: string;
  meetingId: string;
  topic: string | null;
  startTime: string | null;
  status: AttendanceStatus;
  attendedSeconds: number;
  /** attended / instance span, 0..1. */
  shareOfInstance: number;
  sessions: number;
  resolvedBy: string;
  confidence: number;
}

/**
 * One user's attendance across every instance they were resolved in, newest first.
 *
 * @example
 * const rows = await userAttendance(store.db, "u-17");
 */
export async function userAttendance(
  db: Kysely<Database>,
  externalId: string,
  options: { policy?: StatusPolicy; limit?: number } = {},
): Promise<UserAttendanceRow[]> {
  const policy = options.policy ?? DEFAULT_STATUS_POLICY;
  const rows = await db
    .selectFrom("attendance as a")
    .innerJoin("instances as i", (j) => j.onRef("i.account_id", "=", "a.account_id").onRef("i.instance_uuid", "=", "a.instance_uuid"))
    .select([
      "a.instance_uuid",
      "i.meeting_id",
      "i.topic",
      "i.start_time",
      "i.end_time",
      "i.span_from",
      "i.span_to",
      "i.status",
      "a.attended_ms",
      "a.first_join",
      "a.last_leave",
      "a.share_of_instance",
      "a.sessions",
      "a.resolved_by",
      "a.confidence",
    ])
    .where("a.user_id", "=", externalId)
    .orderBy((eb) => eb.fn.coalesce("i.start_time", "i.span_from"), "desc")
    .limit(options.limit ?? 500)
    .execute();
  return rows.map((r) => {
    const start = num(r.start_time) ?? num(r.span_from);
    return {
      instanceUuid: r.instance_uuid,
      meetingId: r.meeting_id,
      topic: r.topic,
      startTime: start === null ? null : new Date(start).toISOString().replace(/\.000Z$/, "Z"),
      status: attendanceStatus(
        { attendedMs: Number(r.attended_ms), firstJoin: Number(r.first_join), lastLeave: num(r.last_leave) },
        { startTime: num(r.start_time), endTime: num(r.end_time), spanFrom: num(r.span_from), spanTo: num(r.span_to), ended: r.status !== "live" },
        policy,
      ),
      attendedSeconds: Math.round(Number(r.attended_ms) / 1000),
      shareOfInstance: Number(r.share_of_instance),
      sessions: Number(r.sessions),
      resolvedBy: r.resolved_by,
      confidence: Number(r.confidence),
    };
  });
}

function num(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
