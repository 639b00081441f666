import type { Kysely } from "kysely";
import type { Attendance, InstanceInfo, InstanceResult, Interval, SessionState, SessionSummary } from "../core/index.js";
import { storedNumber, type Database } from "../store/index.js";
import { firstJoinSeen } from "../reports/index.js";

/**
 * The part of an instance's derived state that events are made from, in one shape whether it comes
 * from an engine result (what the pipeline is about to write, or what it wrote last in this
 * process) or from the derived rows in the database (what some process wrote before).
 */
export interface InstanceFacts {
  instance: {
    accountId: string;
    uuid: string;
    meetingId: string;
    topic: string | null;
    startTime: number | null;
    endTime: number | null;
    /** `live`, `ended` (or `finalized`, read from the database). */
    status: string;
    spanFrom: number | null;
    spanTo: number | null;
  };
  sessions: Map<string, SessionFacts>;
  attendance: Map<string, AttendeeFacts>;
}

/** One participant session and whom it resolved to. */
export interface SessionFacts {
  sessionKey: string;
  /** The app's externalId; null when unresolved. */
  userId: string | null;
  method: string | null;
  /**
   * Start of the first interval (epoch ms); null when the session has no time in the meeting
   * proper, or when that interval was opened by a leave whose join has not been seen (never invented).
   */
  joinTime: number | null;
  /** Start of the latest interval: a rejoin within the session. */
  lastJoinTime: number | null;
  /** End of the latest interval when the session is over, else null. */
  leaveTime: number | null;
  present: boolean;
  closedByMeetingEnd: boolean;
  unresolvedReason: string | null;
  /** Only kept for unresolved sessions (what `session.unresolved` shows). */
  identifiers: Array<{ field: string; value: string }>;
  userName: string | null;
}

/** One user's attendance row. */
export interface AttendeeFacts {
  userId: string;
  /** The closed part (the stored form); the open time from `openSince` is added when shown. */
  attendedMs: number;
  openSince: number | null;
  /** Start of the first counted interval. */
  firstJoin: number;
  /** Whether that start is a join Zoom reported (see `StoredAttendance.joinSeen`). */
  joinSeen: boolean;
  lastLeave: number | null;
  sessions: number;
  resolvedBy: string;
  /** Where the strongest evidence came from (`webhook`, `report`, `manual`). */
  source: string;
  confidence: number;
  closedByMeetingEnd: boolean;
  present: boolean;
}

/** Times of a session's intervals: first start, latest start, latest end, and whether `meeting.ended` closed it. */
function intervalTimes(intervals: readonly Interval[], present: boolean): Pick<SessionFacts, "joinTime" | "lastJoinTime" | "leaveTime" | "closedByMeetingEnd"> {
  let joinTime: number | null = null;
  let lastJoinTime: number | null = null;
  let leaveTime: number | null = null;
  let closedByMeetingEnd = false;
  let joinSeen = false;
  for (const i of intervals) {
    if (joinTime === null || i.from < joinTime) {
      joinTime = i.from;
      joinSeen = !i.openedWithoutJoin;
    }
    if (lastJoinTime === null || i.from > lastJoinTime) lastJoinTime = i.from;
    if (i.to !== undefined && (leaveTime === null || i.to >= leaveTime)) {
      leaveTime = i.to;
      closedByMeetingEnd = i.closedByMeetingEnd;
    }
  }
  return { joinTime: joinSeen ? joinTime : null, lastJoinTime, leaveTime: present ? null : leaveTime, closedByMeetingEnd: present ? false : closedByMeetingEnd };
}

/** Start of the open interval, if the last one is open. */
function openIntervalStart(intervals: readonly Interval[]): number | null {
  const last = intervals[intervals.length - 1];
  return last !== undefined && last.to === undefined ? last.from : null;
}

/** Facts of one session: whom it resolved to, its times, and for an unresolved one what a reviewer sees. */
export function sessionFacts(s: SessionSummary): SessionFacts {
  const userId = s.userId ?? null;
  return {
    sessionKey: s.sessionKey,
    userId,
    method: s.method ?? (userId !== null && s.source === "report" ? "report" : null),
    ...intervalTimes(s.intervals, s.present),
    present: s.present,
    unresolvedReason: userId === null ? (s.unresolvedReason ?? "identifier_unknown") : null,
    identifiers: userId === null ? uniqueIdentifiers(s.identifiers) : [],
    userName: userId === null ? (s.userName ?? null) : null,
  };
}

/** A session of an engine result (its state) as the summary facts are made from. */
export function summaryOf(state: SessionState): SessionSummary {
  const { session, resolution } = state;
  return {
    sessionKey: session.sessionKey,
    userId: resolution.userId,
    method: resolution.method,
    unresolvedReason: resolution.unresolvedReason,
    intervals: session.intervals,
    present: session.present,
    source: session.source,
    userName: state.latestName ?? session.names[0],
    identifiers: resolution.userId === undefined ? session.identifiers : [],
  };
}

/** Facts of one user's attendance (in the stored form: open time left out). */
export function attendeeFacts(a: Attendance): AttendeeFacts {
  return {
    userId: a.userId,
    attendedMs: a.attendedMs,
    openSince: openIntervalStart(a.intervals),
    firstJoin: a.firstJoin,
    joinSeen: a.intervals.length > 0 && !a.intervals[0]!.openedWithoutJoin,
    lastLeave: a.lastLeave ?? null,
    sessions: a.sessions,
    resolvedBy: a.resolvedBy,
    source: a.source,
    confidence: a.confidence,
    closedByMeetingEnd: a.closedByMeetingEnd,
    present: a.present,
  };
}

/** Facts of the instance itself. */
export function instanceFacts(accountId: string, info: InstanceInfo): InstanceFacts["instance"] {
  return {
    accountId,
    uuid: info.uuid,
    meetingId: info.meetingId,
    topic: info.topic ?? null,
    startTime: info.startTime ?? null,
    endTime: info.endTime ?? null,
    status: info.status,
    spanFrom: info.spanFrom ?? null,
    spanTo: info.spanTo ?? null,
  };
}

/** Facts of an engine result (in the stored form: open time left out). Pure. */
export function factsFromResult(accountId: string, result: InstanceResult): InstanceFacts {
  const latest = new Map(result.unresolved.map((u) => [u.sessionKey, u.userName]));
  const sessions = new Map<string, SessionFacts>();
  result.sessions.forEach((session, i) => sessions.set(session.sessionKey, sessionFacts(summaryOf({ session, resolution: result.resolutions[i]!, latestName: latest.get(session.sessionKey) }))));
  const attendance = new Map(result.attendance.map((a) => [a.userId, attendeeFacts(a)]));
  return { instance: instanceFacts(accountId, result.instance), sessions, attendance };
}

/**
 * Facts of the derived rows as they stand in the database (read inside the writing transaction,
 * before the new rows replace them). Undefined when the instance was never written.
 */
export async function factsFromDatabase(db: Kysely<Database>, accountId: string, instanceUuid: string): Promise<InstanceFacts | undefined> {
  const instance = await db.selectFrom("instances").selectAll().where("account_id", "=", accountId).where("instance_uuid", "=", instanceUuid).executeTakeFirst();
  if (!instance) return undefined;
  const sessionRows = await db
    .selectFrom("participant_sessions as s")
    .leftJoin("session_resolutions as r", (j) =>
      j.onRef("r.account_id", "=", "s.account_id").onRef("r.instance_uuid", "=", "s.instance_uuid").onRef("r.session_key", "=", "s.session_key"),
    )
    .select(["s.session_key", "s.intervals_json", "s.present", "s.identifiers_json", "s.display_name", "s.source", "r.user_id", "r.method", "r.unresolved_reason"])
    .where("s.account_id", "=", accountId)
    .where("s.instance_uuid", "=", instanceUuid)
    .execute();
  const sessions = new Map<string, SessionFacts>();
  for (const row of sessionRows) {
    const present = Number(row.present) === 1;
    const userId = row.user_id ?? null;
    sessions.set(row.session_key, {
      sessionKey: row.session_key,
      userId,
      method: row.method ?? (userId !== null && row.source === "report" ? "report" : null),
      ...intervalTimes(JSON.parse(row.intervals_json) as Interval[], present),
      present,
      unresolvedReason: userId === null ? (row.unresolved_reason ?? "identifier_unknown") : null,
      identifiers: userId === null ? uniqueIdentifiers(JSON.parse(row.identifiers_json) as Array<{ field: string; value: string }>) : [],
      userName: userId === null ? row.display_name : null,
    });
  }
  const attendanceRows = await db.selectFrom("attendance").selectAll().where("account_id", "=", accountId).where("instance_uuid", "=", instanceUuid).execute();
  const attendance = new Map<string, AttendeeFacts>();
  for (const a of attendanceRows) {
    attendance.set(a.user_id, {
      userId: a.user_id,
      attendedMs: Number(a.attended_ms),
      openSince: a.open_since === null ? null : Number(a.open_since),
      firstJoin: Number(a.first_join),
      joinSeen: firstJoinSeen(a.intervals_json),
      lastLeave: a.last_leave === null ? null : Number(a.last_leave),
      sessions: Number(a.sessions),
      resolvedBy: a.resolved_by,
      source: a.source,
      confidence: Number(a.confidence),
      closedByMeetingEnd: Number(a.closed_by_meeting_end) === 1,
      present: Number(a.present) === 1,
    });
  }
  return {
    instance: {
      accountId,
      uuid: instanceUuid,
      meetingId: instance.meeting_id,
      topic: instance.topic,
      startTime: storedNumber(instance.start_time),
      endTime: storedNumber(instance.end_time),
      status: instance.status,
      spanFrom: storedNumber(instance.span_from),
      spanTo: storedNumber(instance.span_to),
    },
    sessions,
    attendance,
  };
}

function uniqueIdentifiers(list: ReadonlyArray<{ field: string; value: string }>): Array<{ field: string; value: string }> {
  const seen = new Set<string>();
  const out: Array<{ field: string; value: string }> = [];
  for (const { field, value } of list) {
    const k = `${field}\u0000${value}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ field, value });
  }
  return out;
}
