import type { InstanceResult } from "../../core/index.js";
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
 * Maps an engine result to rows. Pure; every JSON column is written from already-sorted engine
 * arrays, so equal results give byte-equal rows (which is what the writer's change detection and
 * the reprocess-equals-incremental test rely on).
 *
 * @example
 * const rows = instanceRows("acct", state.result(links));
 * rows.sessions.length === result.sessions.length // true
 */
export function instanceRows(accountId: string, result: InstanceResult): InstanceRows {
  const info = result.instance;
  const instanceUuid = info.uuid;
  const key = { account_id: accountId, instance_uuid: instanceUuid };
  const latestName = new Map(result.unresolved.map((u) => [u.sessionKey, u.userName]));

  const sessions = result.sessions.map((s): Insertable<ParticipantSessionTable> => {
    let firstJoin: number | null = null;
    let lastLeave: number | null = null;
    let open = false;
    for (const i of s.intervals) {
      if (firstJoin === null || i.from < firstJoin) firstJoin = i.from;
      if (i.to === undefined) open = true;
      else if (lastLeave === null || i.to > lastLeave) lastLeave = i.to;
    }
    return {
      ...key,
      session_key: s.sessionKey,
      participant_uuid: s.participantUuid ?? null,
      // The engine reports the latest name only for unresolved sessions; `names` is sorted.
      display_name: latestName.get(s.sessionKey) ?? s.names[0] ?? null,
      zoom_connection_ids_json: JSON.stringify(s.userIds),
      merged_keys_json: JSON.stringify(s.mergedKeys),
      identifiers_json: JSON.stringify(s.identifiers),
      names_json: JSON.stringify(s.names),
      intervals_json: JSON.stringify(s.intervals),
      first_join: firstJoin,
      last_leave: open ? null : lastLeave,
      attended_ms: s.attendedMs,
      present: s.present ? 1 : 0,
      source: s.source,
    };
  });

  const identifiers: Insertable<SessionIdentifierTable>[] = [];
  for (const s of result.sessions) {
    const seen = new Set<string>();
    for (const id of s.identifiers) {
      const k = `${id.field}\u0000${id.value}`;
      if (seen.has(k)) continue; // the same value from a webhook and a report row
      seen.add(k);
      identifiers.push({ ...key, session_key: s.sessionKey, field: id.field, value: id.value });
    }
  }

  const resolutions = result.resolutions.map(
    (r): Insertable<SessionResolutionTable> => ({
      ...key,
      session_key: r.sessionKey,
      user_id: r.userId ?? null,
      method: r.method ?? null,
      confidence: r.confidence,
      evidence_json: JSON.stringify(r.evidence),
      conflicts_json: JSON.stringify(r.conflicts),
      unresolved_reason: r.unresolvedReason ?? null,
    }),
  );

  const attendance = result.attendance.map(
    (a): Insertable<AttendanceTable> => ({
      ...key,
      user_id: a.userId,
      attended_ms: a.attendedMs,
      first_join: a.firstJoin,
      last_leave: a.lastLeave ?? null,
      sessions: a.sessions,
      share_of_instance: a.shareOfInstance,
      present: a.present ? 1 : 0,
      closed_by_meeting_end: a.closedByMeetingEnd ? 1 : 0,
      resolved_by: a.resolvedBy,
      confidence: a.confidence,
      session_keys_json: JSON.stringify(a.sessionKeys),
      intervals_json: JSON.stringify(a.intervals),
    }),
  );

  const instance: InstanceRows["instance"] = {
    ...key,
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
  const meeting =
    info.meetingId === ""
      ? undefined
      : {
          account_id: accountId,
          meeting_id: info.meetingId,
          product: info.product,
          topic: info.topic ?? null,
          host_id: info.hostId ?? null,
          meeting_type: info.meetingType ?? null,
          last_instance_uuid: instanceUuid,
        };
  return { accountId, instanceUuid, instance, meeting, sessions, identifiers, resolutions, attendance };
}
