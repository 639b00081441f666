import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import { withReadSnapshot, type Database, storedNumber } from "../store/index.js";
import { expectedAttendees } from "./expected-attendees.js";
import { DEFAULT_STATUS_POLICY, statusInstanceOf, type AttendanceStatus } from "./status-policy.js";
import { attendeeFigures, firstJoinSeen, liveAttendedMs, wholeSeconds } from "./attendee-figures.js";
import { instanceCompleteness, type InstanceGap } from "./instance-gaps.js";
import { isoTime } from "../json/index.js";

/** The strongest identity method that resolved a user (wherever its evidence came from: see {@link AttendeeSource}). */
export type ResolvedBy = "customer_key" | "registrant_id" | "zoom_user_id" | "email" | "name_token" | "manual";

/**
 * Where the evidence that resolved a user came from, the strongest that contributed: `manual` (a
 * hand-made link), `webhook` (an identifier on a webhook event), `report` (only Zoom's participant report).
 */
export type AttendeeSource = "manual" | "webhook" | "report";

/** One user's attendance in one instance. Times are ISO-8601 UTC. */
export interface AttendeeRow {
  externalId: string;
  status: AttendanceStatus;
  attendedSeconds: number;
  /** Null for an expected user who never joined, and while no join has been seen (a leave came first). */
  firstJoin: string | null;
  /** Null while still present, or never joined. */
  lastLeave: string | null;
  /** `in_meeting` rows: when `attendedSeconds` was counted up to (the latest event time of the instance); else null. */
  asOf: string | null;
  /** Number of sessions (1 + rejoins + extra devices); 0 for an expected user who never joined. */
  sessions: number;
  /** Null for an expected user who never joined (nothing resolved them). */
  resolvedBy: ResolvedBy | null;
  /** Null for an expected user who never joined. */
  source: AttendeeSource | null;
  /** 0..1; null for an expected user who never joined. */
  confidence: number | null;
  closedByMeetingEnd: boolean;
}

/** A session no user could be found for (link it by hand with `rollcall links add --manual`). */
export interface UnresolvedRow {
  sessionKey: string;
  /** As the privacy mode kept it (a hash under `hash`, null under `drop` or when Zoom blanked it). */
  userName: string | null;
  attendedSeconds: number;
  reason: string;
}

/** `rollcall attendance --instance UUID` (and the API): one instance's attendance. */
export interface AttendanceReport {
  instance: {
    uuid: string;
    meetingId: string;
    topic: string | null;
    startTime: string | null;
    endTime: string | null;
    /** `live`, `ended` or `finalized` (Zoom's report merged). */
    status: string;
    /** A WebSocket gap overlaps it and Zoom's report is not merged yet: events may be missing. */
    possiblyIncomplete: boolean;
    /** The WebSocket gaps that overlap it (empty when events come by webhook only). */
    gaps: InstanceGap[];
  };
  attendees: AttendeeRow[];
  unresolved: UnresolvedRow[];
}

export interface AttendanceReportOptions {
  policy?: StatusPolicy;
  /** Only this account's instance (the uuid alone is enough when a database holds one account). */
  accountId?: string;
}

/**
 * Reads one instance's attendance from the derived tables: every resolved user, every user
 * expected at the meeting (with zero time and `absent` when they never came), each with a status
 * from the policy, plus the sessions nobody was found for. Undefined when the instance is unknown.
 */
export async function attendanceReport(db: Kysely<Database>, instanceUuid: string, options: AttendanceReportOptions = {}): Promise<AttendanceReport | undefined> {
  // One snapshot: a re-resolution committing between the attendance and the unresolved reads
  // would otherwise show its session neither unresolved nor attributed (seen on PostgreSQL).
  return withReadSnapshot(db, (snapshot) => readAttendanceReport(snapshot, instanceUuid, options));
}

async function readAttendanceReport(db: Kysely<Database>, instanceUuid: string, options: AttendanceReportOptions): Promise<AttendanceReport | undefined> {
  const policy = options.policy ?? DEFAULT_STATUS_POLICY;
  let query = db.selectFrom("instances").selectAll().where("instance_uuid", "=", instanceUuid);
  if (options.accountId !== undefined) query = query.where("account_id", "=", options.accountId);
  const instance = await query.executeTakeFirst();
  if (!instance) return undefined;
  const statusInstance = statusInstanceOf(instance);
  const rows = await db
    .selectFrom("attendance")
    .selectAll()
    .where("account_id", "=", instance.account_id)
    .where("instance_uuid", "=", instanceUuid)
    .orderBy("user_id")
    .execute();
  const attendees: AttendeeRow[] = rows.map((row) => {
    const stored = { attendedMs: Number(row.attended_ms), openSince: storedNumber(row.open_since), countedFrom: Number(row.first_join), joinSeen: firstJoinSeen(row.intervals_json), lastLeave: storedNumber(row.last_leave), present: Number(row.present) === 1 };
    const { status, attendedSeconds, firstJoin, lastLeave, asOf } = attendeeFigures(stored, statusInstance, policy);
    return {
      externalId: row.user_id,
      status,
      attendedSeconds,
      firstJoin,
      lastLeave,
      asOf,
      sessions: Number(row.sessions),
      resolvedBy: row.resolved_by as ResolvedBy,
      source: row.source as AttendeeSource,
      confidence: Number(row.confidence),
      closedByMeetingEnd: Number(row.closed_by_meeting_end) === 1,
    };
  });
  const present = new Set(attendees.map((a) => a.externalId));
  for (const externalId of await expectedAttendees(db, instance.account_id, instance.meeting_id)) {
    if (present.has(externalId)) continue;
    attendees.push(absentAttendee(externalId));
  }
  attendees.sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const unresolvedRows = await db
    .selectFrom("session_resolutions as r")
    .innerJoin("participant_sessions as s", (j) =>
      j.onRef("s.account_id", "=", "r.account_id").onRef("s.instance_uuid", "=", "r.instance_uuid").onRef("s.session_key", "=", "r.session_key"),
    )
    .select(["r.session_key", "s.display_name", "s.attended_ms", "s.open_since", "r.unresolved_reason"])
    .where("r.account_id", "=", instance.account_id)
    .where("r.instance_uuid", "=", instanceUuid)
    .where("r.user_id", "is", null)
    .orderBy("r.session_key")
    .execute();
  const completeness = await instanceCompleteness(db, instance);
  return {
    instance: {
      uuid: instance.instance_uuid,
      meetingId: instance.meeting_id,
      topic: instance.topic,
      startTime: iso(statusInstance.startTime),
      endTime: iso(statusInstance.endTime),
      status: instance.status,
      possiblyIncomplete: completeness.possiblyIncomplete,
      gaps: completeness.gaps,
    },
    attendees,
    unresolved: unresolvedRows.map((r) => ({
      sessionKey: r.session_key,
      userName: r.display_name,
      attendedSeconds: wholeSeconds(liveAttendedMs(Number(r.attended_ms), storedNumber(r.open_since), statusInstance.spanTo)),
      reason: r.unresolved_reason ?? "identifier_unknown",
    })),
  };
}


/** The row of a user with no time in the instance: expected and never joined, or no longer attributed any session. */
export function absentAttendee(externalId: string): AttendeeRow {
  return { externalId, status: "absent", attendedSeconds: 0, firstJoin: null, lastLeave: null, asOf: null, sessions: 0, resolvedBy: null, source: null, confidence: null, closedByMeetingEnd: false };
}

/** Epoch ms → ISO-8601 (see {@link isoTime}); null for a time no date can show. */
const iso = isoTime;
