import type { StatusPolicy } from "../config/index.js";
import { isoTime } from "../json/index.js";
import { absentAttendee, attendeeFigures, isEndedStatus, type AttendeeRow, type AttendeeSource, type ResolvedBy } from "../reports/index.js";
import type { InstanceData, NotifyEvent } from "./event-types.js";
import type { AttendeeFacts, InstanceFacts, SessionFacts } from "./instance-facts.js";

/** The contract's `instance` object. */
export function instanceData(facts: InstanceFacts["instance"]): InstanceData {
  return { uuid: facts.uuid, meetingId: facts.meetingId, topic: facts.topic, startTime: isoTime(facts.startTime), endTime: isoTime(facts.endTime), status: facts.status };
}

/** One attendee row of the attendance contract, its status, seconds and times by the one rule of `attendeeFigures`. */
export function attendeeRow(a: AttendeeFacts, instance: InstanceFacts["instance"], policy: StatusPolicy): AttendeeRow {
  const stored = { attendedMs: a.attendedMs, openSince: a.openSince, countedFrom: a.firstJoin, joinSeen: a.joinSeen, lastLeave: a.lastLeave, present: a.present };
  return {
    externalId: a.userId,
    ...attendeeFigures(stored, { ...instance, ended: isEndedStatus(instance.status) }, policy),
    sessions: a.sessions,
    resolvedBy: a.resolvedBy as ResolvedBy,
    source: a.source as AttendeeSource,
    confidence: a.confidence,
    closedByMeetingEnd: a.closedByMeetingEnd,
  };
}

/** The row the app last saw and the new one say the same, leaving aside the running count of a user in the meeting in both (it grows with every event). */
function sameRow(a: AttendeeRow, b: AttendeeRow): boolean {
  const running = a.status === "in_meeting" && b.status === "in_meeting";
  return (Object.keys(b) as Array<keyof AttendeeRow>).every((k) => a[k] === b[k] || (running && (k === "attendedSeconds" || k === "asOf")));
}

const byJoin = (a: SessionFacts, b: SessionFacts): number => (a.joinTime ?? Infinity) - (b.joinTime ?? Infinity) || (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0);

/**
 * The events that take an instance from `before` (undefined: never written) to `after`. Pure.
 *
 * - `instance.started` the first time the instance is written, `instance.ended` when it ends
 *   (both carry a once-key: sent at most once per instance);
 * - `attendee.joined` when a session is attributed to a user it was not attributed to before —
 *   with late binding that is when the leave (or a user import, or the report) resolves it — when
 *   it rejoins within the session, or when its join time becomes known or changes (a join that
 *   arrives after its leave). `joinTime` is the real one or null, never a guess; receivers key on
 *   `sessionKey`;
 * - `attendee.left` when an attributed session is over and was not before, and again after such a
 *   correction (so the session's last event says it is over, with both times right);
 * - `session.unresolved` when a session stays without a user (new, or no longer resolved);
 * - `attendance.updated` for every user whose attendance row changed (the running count of a user
 *   in the meeting aside), or who no longer has one (sent with zero time, `absent`); after the
 *   `attendee.*` events of the same change, so a receiver never sees a row ahead of its cause.
 */
export function deriveEvents(before: InstanceFacts | undefined, after: InstanceFacts, policy: StatusPolicy): NotifyEvent[] {
  const { accountId, uuid: instanceUuid, meetingId } = after.instance;
  const events: NotifyEvent[] = [];
  const base = { accountId, instanceUuid };
  if (before === undefined) {
    events.push({ ...base, type: "instance.started", onceKey: `instance.started:${accountId}:${instanceUuid}`, data: { instance: instanceData(after.instance) } });
  }

  for (const s of [...after.sessions.values()].sort(byJoin)) events.push(...sessionEvents(base, meetingId, before?.sessions.get(s.sessionKey), s));

  const users = new Set([...after.attendance.keys(), ...(before?.attendance.keys() ?? [])]);
  for (const userId of [...users].sort()) {
    const now = after.attendance.get(userId);
    const old = before?.attendance.get(userId);
    const row = now !== undefined ? attendeeRow(now, after.instance, policy) : absentAttendee(userId);
    if (old !== undefined && sameRow(attendeeRow(old, before!.instance, policy), row)) continue;
    events.push({ ...base, type: "attendance.updated", coalesceKey: userId, data: { instanceUuid, meetingId, attendee: row } });
  }

  const ended = after.instance.status !== "live";
  if (ended && (before === undefined || before.instance.status === "live")) {
    events.push({ ...base, type: "instance.ended", onceKey: `instance.ended:${accountId}:${instanceUuid}`, data: { instance: instanceData(after.instance) } });
  }
  return events;
}

/** The `session.unresolved` or `attendee.*` events of one session going from `old` (undefined: new) to `s`. */
function sessionEvents(base: { accountId: string; instanceUuid: string }, meetingId: string, old: SessionFacts | undefined, s: SessionFacts): NotifyEvent[] {
  const { instanceUuid } = base;
  if (s.userId === null) {
    if (old !== undefined && old.userId === null) return [];
    return [
      {
        ...base,
        type: "session.unresolved",
        data: { instanceUuid, meetingId, sessionKey: s.sessionKey, reason: s.unresolvedReason ?? "identifier_unknown", identifiers: s.identifiers, userName: s.userName, joinTime: isoTime(s.joinTime) },
      },
    ];
  }
  const events: NotifyEvent[] = [];
  const joined = { instanceUuid, meetingId, externalId: s.userId, sessionKey: s.sessionKey, resolvedBy: s.method ?? "report" };
  const sameUser = old !== undefined && old.userId === s.userId;
  // The join time became known (the join came after its leave) or moved: say so, for this sessionKey.
  const joinCorrected = sameUser && s.joinTime !== null && s.joinTime !== old.joinTime;
  if (!sameUser || joinCorrected) {
    events.push({ ...base, type: "attendee.joined", data: { ...joined, joinTime: isoTime(s.joinTime) } });
  } else if (s.present && !old.present) {
    events.push({ ...base, type: "attendee.joined", data: { ...joined, joinTime: isoTime(s.lastJoinTime) } });
  }
  const over = !s.present && s.leaveTime !== null;
  if (over && (!sameUser || old.present || old.leaveTime !== s.leaveTime || joinCorrected)) {
    events.push({ ...base, type: "attendee.left", data: { ...joined, joinTime: isoTime(s.joinTime), leaveTime: isoTime(s.leaveTime), closedByMeetingEnd: s.closedByMeetingEnd } });
  }
  return events;
}
