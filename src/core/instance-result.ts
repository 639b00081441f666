/**
 * What the engine says about one meeting instance. Every array is sorted by its natural key so two
 * results of the same facts compare equal with deep equality, whatever order the events came in.
 */
import type { EventSource } from "./normalised-event.js";
import type { ResolutionMethod } from "./engine-options.js";
import type { LeanAttendance } from "./lean-result.js";
import type { InstanceInfo, UnresolvedReason, UnresolvedSession } from "./result-common.js";

/**
 * The participant fields identifiers come from, named as Zoom names them. `id` is kept only when it
 * differs from `participant_user_id` (usually they are the same Zoom user id; in older data `id` can
 * hold a registered guest's registrant id). Report rows' `user_email`/`name` count as `email`/`user_name`.
 * Which link method reads which field: `IDENTIFIER_FIELDS_OF_METHOD`.
 */
export type IdentifierField = "customer_key" | "registrant_id" | "participant_user_id" | "id" | "email" | "user_name";

/** An identifier seen on an event of a session. */
export interface SeenIdentifier {
  field: IdentifierField;
  /** As normalised (e-mails lower-cased or hashed; names as shown or hashed). */
  value: string;
  /** Content key of the earliest event (by its own time, then key) that carried it with this source. */
  eventKey: string;
  source: EventSource;
}

/** Time in the meeting proper (waiting room and join-before-host excluded, breakout rooms included). */
export interface Interval {
  from: number;
  /** Undefined while still open. */
  to?: number;
  /** Closed by `meeting.ended`'s `end_time` because no leave is known. */
  closedByMeetingEnd: boolean;
  /**
   * A leave came without any join for that connection (Rollcall started late, or the join was lost):
   * the interval starts at the instance's start when known and earlier than the leave, else at the
   * leave itself (zero length).
   */
  openedWithoutJoin: boolean;
}

/** One participant session: a connection to the instance, with its room moves and bound phone legs. */
export interface Session {
  sessionKey: string;
  participantUuid?: string;
  /**
   * Every Zoom `user_id` seen in the session (Zoom's per-connection participant id: one per join and
   * per room segment), sorted. Not app users: see the session's resolution for that.
   */
  userIds: string[];
  /** Other session keys merged into this one (a bound phone leg's participant_uuid/user_id). */
  mergedKeys: string[];
  identifiers: SeenIdentifier[];
  names: string[];
  /** Union of the session's connection intervals. */
  intervals: Interval[];
  attendedMs: number;
  present: boolean;
  /** `webhook` if any webhook event made it, else `report`. */
  source: EventSource;
}

/** One piece of evidence for a resolution. */
export interface Evidence {
  method: ResolutionMethod;
  /** `manual` for manual links. */
  field: IdentifierField | "manual";
  value: string;
  /** Empty for manual links (no event). */
  eventKey: string;
  source: EventSource | "link";
}

/** Another user some evidence points at. */
export interface Conflict {
  userId: string;
  method: ResolutionMethod;
  evidence: Evidence[];
}

export interface Resolution {
  sessionKey: string;
  userId?: string;
  /** Winning method; undefined when unresolved. */
  method?: ResolutionMethod;
  confidence: number;
  evidence: Evidence[];
  conflicts: Conflict[];
  unresolvedReason?: UnresolvedReason;
}

/** A user's attendance, with the intervals and session keys it is the union of. */
export interface Attendance extends LeanAttendance {
  sessionKeys: string[];
  intervals: Interval[];
}

export interface InstanceResult {
  instance: InstanceInfo;
  sessions: Session[];
  resolutions: Resolution[];
  attendance: Attendance[];
  unresolved: UnresolvedSession[];
}
