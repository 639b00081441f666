import type { AttendeeRow, AttendanceReport } from "../reports/index.js";

/** Every event type Rollcall sends, in the order an instance usually produces them. */
export const notifyEventTypes = [
  "instance.started",
  "attendee.joined",
  "attendee.left",
  "attendance.updated",
  "session.unresolved",
  "instance.ended",
  "instance.finalized",
] as const;

export type NotifyEventType = (typeof notifyEventTypes)[number];

/**
 * What Zoom said of the instance, as in the attendance contract: the report's instance object, without the WebSocket gaps (read them, and
 * `possiblyIncomplete`, from the API; `instance.finalized` says when Zoom's report has repaired them).
 */
export type InstanceData = Omit<AttendanceReport["instance"], "possiblyIncomplete" | "gaps">;

/** `attendee.joined`: a session was attributed to a user (perhaps only when its leave arrived: `joinTime` is the real one). */
export interface AttendeeJoinedData {
  instanceUuid: string;
  meetingId: string;
  externalId: string;
  sessionKey: string;
  /** ISO-8601 UTC. */
  joinTime: string | null;
  resolvedBy: string;
}

/** `attendee.left`: the joined fields and when the session ended. */
export interface AttendeeLeftData extends AttendeeJoinedData {
  leaveTime: string | null;
  /** The leave is the meeting's end: Zoom never sent one for this session. */
  closedByMeetingEnd: boolean;
}

/** `attendance.updated`: the latest attendance row of one user (coalesced: only the newest is sent). */
export interface AttendanceUpdatedData {
  instanceUuid: string;
  meetingId: string;
  attendee: AttendeeRow;
}

/** `session.unresolved`: a session no user could be found for, so the app can review it. */
export interface SessionUnresolvedData {
  instanceUuid: string;
  meetingId: string;
  sessionKey: string;
  reason: string;
  /** Identifiers seen on the session (values as the privacy mode kept them). */
  identifiers: Array<{ field: string; value: string }>;
  /** The latest name shown, as the privacy mode kept it (null under `drop` or when Zoom blanked it). */
  userName: string | null;
  joinTime: string | null;
}

/** `instance.started`, `instance.ended`, `instance.finalized`. */
export interface InstanceEventData {
  instance: InstanceData;
}

/** An event before it is written: what the outbox and the live stream need. */
export interface NotifyEvent {
  type: NotifyEventType;
  accountId: string;
  instanceUuid: string;
  /** Set for events sent at most once per instance. */
  onceKey?: string;
  /** `attendance.updated`: the user, so a burst for one user coalesces into one message. */
  coalesceKey?: string;
  data: AttendeeJoinedData | AttendeeLeftData | AttendanceUpdatedData | SessionUnresolvedData | InstanceEventData;
}

/**
 * Checks a list of event types from a flag or a request; names the first unknown one.
 * A string is read as a comma-separated list.
 */
export function parseEventTypes(value: string | readonly string[]): NotifyEventType[] {
  const list = (typeof value === "string" ? value.split(",") : [...value]).map((t) => t.trim()).filter((t) => t !== "");
  if (list.length === 0) throw new Error(`events: expected one or more of ${notifyEventTypes.join(", ")}`);
  for (const t of list) {
    if (!(notifyEventTypes as readonly string[]).includes(t)) throw new Error(`events: unknown event type "${t}"; expected one of ${notifyEventTypes.join(", ")}`);
  }
  return [...new Set(list)] as NotifyEventType[];
}
