import type { Attendance, InstanceInfo, InstanceResult, Interval, Resolution, Session } from "../../core/index.js";
import type { Insertable } from "kysely";
import type {
  AttendanceTable,
  InstanceTable,
  MeetingTable,
  ParticipantSessionTable,
  SessionIdentifierTable,
  SessionResolutionTable,
} from "../tables/derived.js";

/** The derived rows of one instance, as the engine's result maps onto `tables/derived.ts`. */
export interface InstanceRows {
  accountId: string;
  instanceUuid: string;
  /** Without `revision`, `needs_resolve` and `updated_at`, which the writer sets. */
  instance: Omit<InstanceTable, "revision" | "needs_resolve" | "updated_at">;
  /** Undefined when no event named the meeting number. */
  meeting: Omit<MeetingTable, "updated_at"> | undefined;
  sessions: Insertable<ParticipantSessionTable>[];
  identifiers: Insertable<SessionIdentifierTable>[];
  resolutions: Insertable<SessionResolutionTable>[];
  attendance: Insertable<AttendanceTable>[];
}

/**
 * Maps an engine result to rows, which take the result's times as given: a result in the stored
 * form (`InstanceState.update`, open time left out) makes rows in the stored form. Pure; every JSON column is written from already-sorted engine
 * arrays, so equal results give byte-equal rows (which is what the writer's change detection and
 * the reprocess-equals-incremental test rely on).
 */
export function instanceRows(accountId: string, result: InstanceResult): InstanceRows {
  const info = result.instance;
  const instanceUuid = info.uuid;
  const key = { account_id: accountId, instance_uuid: instanceUuid };
  const latestName = latestNames(result);
  const sessions = result.sessions.map((s) => sessionRow(key, s, latestName.get(s.sessionKey)));
  const identifiers: Insertable<SessionIdentifierTable>[] = [];
  for (const s of result.sessions) identifierRows(key, s, identifiers);
  const resolutions = result.resolutions.map((r) => resolutionRow(key, r));
  const attendance = result.attendance.map((a) => attendanceRow(key, a));
  return { accountId, instanceUuid, instance: instanceRow(key, info), meeting: meetingRow(accountId, info), sessions, identifiers, resolutions, attendance };
}

/** The account and instance columns every derived row starts with. */
export interface RowKey {
  account_id: string;
  instance_uuid: string;
}

/** The latest name of each unresolved session (the engine reports it only for those). */
export function latestNames(result: InstanceResult): Map<string, string | undefined> {
  return new Map(result.unresolved.map((u) => [u.sessionKey, u.userName]));
}

/** The `display_name` column of a session. */
export function displayName(s: Session, latestName: string | undefined): string | null {
  // The engine reports the latest name only for unresolved sessions; `names` is sorted.
  return latestName ?? s.names[0] ?? null;
}

export function sessionRow(key: RowKey, s: Session, latestName: string | undefined): Insertable<ParticipantSessionTable> {
  let firstJoin: number | null = null;
  let lastLeave: number | null = null;
  let open = false;
  for (const i of s.intervals) {
    if (firstJoin === null || i.from < firstJoin) firstJoin = i.from;
    if (i.to === undefined) open = true;
    else if (lastLeave === null || i.to > lastLeave) lastLeave = i.to;
  }
  return {
    account_id: key.account_id,
    instance_uuid: key.instance_uuid,
    session_key: s.sessionKey,
    participant_uuid: s.participantUuid ?? null,
    display_name: displayName(s, latestName),
    zoom_connection_ids_json: JSON.stringify(s.userIds),
    merged_keys_json: JSON.stringify(s.mergedKeys),
    identifiers_json: JSON.stringify(s.identifiers),
    names_json: JSON.stringify(s.names),
    intervals_json: JSON.stringify(s.intervals),
    first_join: firstJoin,
    last_leave: open ? null : lastLeave,
    attended_ms: s.attendedMs,
    open_since: openSince(s.intervals),
    present: s.present ? 1 : 0,
    source: s.source,
  };
}

/** The `session_identifiers` rows of a session, appended to `out`. */
export function identifierRows(key: RowKey, s: Session, out: Insertable<SessionIdentifierTable>[]): void {
  const seen = new Set<string>();
  for (const id of s.identifiers) {
    const k = `${id.field}\u0000${id.value}`;
    if (seen.has(k)) continue; // the same value from a webhook and a report row
    seen.add(k);
    out.push({ account_id: key.account_id, instance_uuid: key.instance_uuid, session_key: s.sessionKey, field: id.field, value: id.value });
  }
}

export function resolutionRow(key: RowKey, r: Resolution): Insertable<SessionResolutionTable> {
  return {
    account_id: key.account_id,
    instance_uuid: key.instance_uuid,
    session_key: r.sessionKey,
    user_id: r.userId ?? null,
    method: r.method ?? null,
    confidence: r.confidence,
    evidence_json: JSON.stringify(r.evidence),
    conflicts_json: JSON.stringify(r.conflicts),
    unresolved_reason: r.unresolvedReason ?? null,
  };
}

export function attendanceRow(key: RowKey, a: Attendance): Insertable<AttendanceTable> {
  return {
    account_id: key.account_id,
    instance_uuid: key.instance_uuid,
    user_id: a.userId,
    attended_ms: a.attendedMs,
    open_since: openSince(a.intervals),
    first_join: a.firstJoin,
    last_leave: a.lastLeave ?? null,
    sessions: a.sessions,
    present: a.present ? 1 : 0,
    closed_by_meeting_end: a.closedByMeetingEnd ? 1 : 0,
    resolved_by: a.resolvedBy,
    source: a.source,
    confidence: a.confidence,
    session_keys_json: JSON.stringify(a.sessionKeys),
    intervals_json: JSON.stringify(a.intervals),
  };
}

/** Start of the open interval (the last, if any is open), or null when all are closed. */
function openSince(intervals: readonly Interval[]): number | null {
  const last = intervals[intervals.length - 1];
  return last !== undefined && last.to === undefined ? last.from : null;
}

export function instanceRow(key: RowKey, info: InstanceInfo): InstanceRows["instance"] {
  return {
    account_id: key.account_id,
    instance_uuid: key.instance_uuid,
    meeting_id: info.meetingId,
    product: info.product,
    topic: info.topic ?? null,
    host_id: info.hostId ?? null,
    meeting_type: info.meetingType ?? null,
    start_time: info.startTime ?? null,
    end_time: info.endTime ?? null,
    status: info.status,
    span_from: info.spanFrom ?? null,
    span_to: info.spanTo ?? null,
    event_count: 0,
  };
}

export function meetingRow(accountId: string, info: InstanceInfo): InstanceRows["meeting"] {
  if (info.meetingId === "") return undefined;
  return {
    account_id: accountId,
    meeting_id: info.meetingId,
    product: info.product,
    topic: info.topic ?? null,
    host_id: info.hostId ?? null,
    meeting_type: info.meetingType ?? null,
    last_instance_uuid: info.uuid,
  };
}
