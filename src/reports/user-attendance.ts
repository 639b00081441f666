import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import type { Database } from "../store/index.js";
import type { AttendeeSource, ResolvedBy } from "./attendance-report.js";
import { attendeeFigures, firstJoinSeen } from "./attendee-figures.js";
import { isoTime as iso } from "../json/index.js";
import { DEFAULT_STATUS_POLICY, statusInstanceOf, type AttendanceStatus } from "./status-policy.js";
import { storedNumber } from "../store/index.js";

/** One instance a user attended, as `GET /api/v1/users/{externalId}/attendance` lists it. */
export interface UserInstanceAttendance {
  instance: { uuid: string; meetingId: string; topic: string | null; startTime: string | null; endTime: string | null; status: string };
  status: AttendanceStatus;
  attendedSeconds: number;
  firstJoin: string | null;
  lastLeave: string | null;
  /** `in_meeting`: when `attendedSeconds` was counted up to; else null. */
  asOf: string | null;
  sessions: number;
  resolvedBy: ResolvedBy;
  source: AttendeeSource;
  confidence: number;
  closedByMeetingEnd: boolean;
}

/** A user's attendance across instances, newest instance first. */
export interface UserAttendance {
  externalId: string;
  totalSeconds: number;
  instances: UserInstanceAttendance[];
}

/**
 * Every instance one user (by `externalId`) attended, newest first, with the same status and
 * figures as the instance's own report. An empty list when they attended nothing.
 */
export async function userAttendance(
  db: Kysely<Database>,
  externalId: string,
  options: { policy?: StatusPolicy; accountId?: string; meetingId?: string; from?: number; to?: number } = {},
): Promise<UserAttendance> {
  const policy = options.policy ?? DEFAULT_STATUS_POLICY;
  let query = db
    .selectFrom("attendance as a")
    .innerJoin("instances as i", (j) => j.onRef("i.account_id", "=", "a.account_id").onRef("i.instance_uuid", "=", "a.instance_uuid"))
    .select([
      "i.instance_uuid",
      "i.meeting_id",
      "i.topic",
      "i.start_time",
      "i.end_time",
      "i.status",
      "i.span_from",
      "i.span_to",
      "a.attended_ms",
      "a.first_join",
      "a.last_leave",
      "a.sessions",
      "a.resolved_by",
      "a.source",
      "a.confidence",
      "a.closed_by_meeting_end",
      "a.present",
      "a.intervals_json",
      "a.open_since",
    ])
    .where("a.user_id", "=", externalId);
  if (options.accountId !== undefined) query = query.where("a.account_id", "=", options.accountId);
  if (options.meetingId !== undefined) query = query.where("i.meeting_id", "=", options.meetingId);
  if (options.from !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), ">=", options.from!));
  if (options.to !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), "<", options.to!));
  const rows = await query.orderBy("i.start_time", "desc").orderBy("i.instance_uuid").execute();
  const instances = rows.map((row): UserInstanceAttendance => {
    const statusInstance = statusInstanceOf(row);
    const stored = { attendedMs: Number(row.attended_ms), openSince: storedNumber(row.open_since), countedFrom: Number(row.first_join), joinSeen: firstJoinSeen(row.intervals_json), lastLeave: storedNumber(row.last_leave), present: Number(row.present) === 1 };
    return {
      instance: { uuid: row.instance_uuid, meetingId: row.meeting_id, topic: row.topic, startTime: iso(statusInstance.startTime), endTime: iso(statusInstance.endTime), status: row.status },
      ...attendeeFigures(stored, statusInstance, policy),
      sessions: Number(row.sessions),
      resolvedBy: row.resolved_by as ResolvedBy,
      source: row.source as AttendeeSource,
      confidence: Number(row.confidence),
      closedByMeetingEnd: Number(row.closed_by_meeting_end) === 1,
    };
  });
  return { externalId, totalSeconds: instances.reduce((sum, i) => sum + i.attendedSeconds, 0), instances };
}

