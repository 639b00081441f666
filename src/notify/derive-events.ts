import type { StatusPolicy } from "../config/index.js";
import { attendanceStatus, isEndedStatus, isoTime, type AttendeeRow, type AttendeeSource, type ResolvedBy } from "../reports/index.js";
import type { InstanceData, NotifyEvent } from "./event-types.js";
import type { AttendeeFacts, InstanceFacts, SessionFacts } from "./instance-facts.js";

/** The contract's `instance` object. */
export function instanceData(facts: InstanceFacts["instance"]): InstanceData {
  return { uuid: facts.uuid, meetingId: facts.meetingId, topic: facts.topic, startTime: isoTime(facts.startTime), endTime: isoTime(facts.endTime), status: facts.status };
}

/** One attendee row of the attendance contract, its status from the policy. */
export function attendeeRow(a: AttendeeFacts, instance: InstanceFacts["instance"], policy: StatusPolicy): AttendeeRow {
  const ended = isEndedStatus(instance.status);
  return {
    externalId: a.userId,
    status: attendanceStatus({ attendedMs: a.attendedMs, firstJoin: a.firstJoin, lastLeave: a.lastLeave }, { ...instance, ended }, policy),
    attendedSeconds: Math.round(a.attendedMs / 1000),
    firstJoin: isoTime(a.firstJoin),
    lastLeave: isoTime(a.lastLeave),
    sessions: a.sessions,
    resolvedBy: a.resolvedBy as ResolvedBy,
    source: a.source as AttendeeSource,
    confidence: a.confidence,
    closedByMeetingEnd: a.closedByMeetingEnd,
  };
}

/** Same attendance, leaving aside the running time of a user present in both (it grows with every event). */
function sameAttendance(a: AttendeeFacts, b: AttendeeFacts): boolean {
  return (
    (a.attendedMs === b.attendedMs || (a.present && b.present)) &&
    a.firstJoin === b.firstJoin &&
    a.lastLeave === b.lastLeave &&
    a.sessions === b.sessions &&
    a.resolvedBy === b.resolvedBy &&
    a.confidence === b.confidence &&
    a.closedByMeetingEnd === b.closedByMeetingEnd &&
    a.present === b.present
  );
}

const byJoin = (a: SessionFacts, b: SessionFacts): number => (a.joinTime ?? Infinity) - (b.joinTime ?? Infinity) || (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0);

/**
 * The events that take an instance from `before` (undefined: never written) to `after`. Pure.
 *
 * - `instance.started` the first time the instance is written, `instance.ended` when it ends
 *   (both carry a once-key: sent at most once per instance);
 * - `attendee.joined` when a session is attributed to a user it was not attributed to before —
 *   with late binding that is when the leave (or a user import, or the report) resolves it, and the
 *   body carries the session's real join time — or when it rejoins within the session;
 * - `attendee.left` when an attributed session is over and was not before;
 * - `session.unresolved` when a session stays without a user (new, or no longer resolved);
 * - `attendance.updated` for every user whose attendance row changed (the running time of a
 *   present user aside), or who no longer has one (sent with zero time, `absent`).
 */
export function deriveEvents(before: InstanceFacts | undefined, after: InstanceFacts, policy: StatusPolicy): NotifyEvent[] {
  const { accountId, uuid: instanceUuid, meetingId } = after.instance;
  const events: NotifyEvent[] = [];
  const base = { accountId, instanceUuid };
  if (before === undefined) {
    events.push({ ...base, type: "instance.started", onceKey: `instance.started:${accountId}:${instanceUuid}`, data: { instance: instanceData(after.instance) } });
  }

  for (const s of [...after.sessions.values()].sort(byJoin)) {
    const old = before?.sessions.get(s.sessionKey);
    if (s.userId === null) {
      if (old === undefined || old.userId !== null) {
        events.push({
          ...base,
          type: "session.unresolved",
          data: { instanceUuid, meetingId, sessionKey: s.sessionKey, reason: s.unresolvedReason ?? "identifier_unknown", identifiers: s.identifiers, userName: s.userName, joinTime: isoTime(s.joinTime) },
        });
      }
      continue;
    }
    const joined = { instanceUuid, meetingId, externalId: s.userId, sessionKey: s.sessionKey, resolvedBy: s.method ?? "report" };
    const sameUser = old !== undefined && old.userId === s.userId;
    if (!sameUser) {
      events.push({ ...base, type: "attendee.joined", data: { ...joined, joinTime: isoTime(s.joinTime) } });
    } else if (s.present && !old.present) {
      events.push({ ...base, type: "attendee.joined", data: { ...joined, joinTime: isoTime(s.lastJoinTime) } });
    }
    if (!s.present && s.leaveTime !== null && (!sameUser || old.present || old.leaveTime === null)) {
      events.push({ ...base, type: "attendee.left", data: { ...joined, joinTime: isoTime(s.joinTime), leaveTime: isoTime(s.leaveTime), closedByMeetingEnd: s.closedByMeetingEnd } });
    }
  }

  const users = new Set([...after.attendance.keys(), ...(before?.attendance.keys() ?? [])]);
  for (const userId of [...users].sort()) {
    const now = after.attendance.get(userId);
    const old = before?.attendance.get(userId);
    if (now !== undefined && old !== undefined && sameAttendance(old, now)) continue;
    const attendee: AttendeeRow =
      now !== undefined
        ? attendeeRow(now, after.instance, policy)
        : { externalId: userId, status: "absent", attendedSeconds: 0, firstJoin: null, lastLeave: null, sessions: 0, resolvedBy: null, source: null, confidence: null, closedByMeetingEnd: false };
    events.push({ ...base, type: "attendance.updated", coalesceKey: userId, data: { instanceUuid, meetingId, attendee } });
  }

  const ended = after.instance.status !== "live";
  if (ended && (before === undefined || before.instance.status === "live")) {
    events.push({ ...base, type: "instance.ended", onceKey: `instance.ended:${accountId}:${instanceUuid}`, data: { instance: instanceData(after.instance) } });
  }
  return events;
}
