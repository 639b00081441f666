/**
 * The engine's lean answer about one meeting instance: who attended, for how long, resolved how, and
 * each session's own figures, without the per-session detail (identifiers seen, evidence, conflicts,
 * intervals, Zoom connection ids) that `InstanceResult` carries. Built without an object per
 * identifier, piece of evidence or interval, so it costs a fraction of the full result; ask the
 * state for `result()` when the detail is wanted. Every figure equals the full result's.
 */
import type { ResolutionMethod } from "./engine-options.js";
import type { AttendanceSource, InstanceInfo, UnresolvedReason, UnresolvedSession } from "./result-common.js";
import type { EventSource } from "./normalised-event.js";

/** A user's attendance: `Attendance` without its intervals and session keys. */
export interface LeanAttendance {
  userId: string;
  /** Union of the user's intervals: two devices at once count once. */
  attendedMs: number;
  firstJoin: number;
  /** Undefined while the user is still present. */
  lastLeave?: number;
  /** Number of sessions (1 + rejoins + extra devices). */
  sessions: number;
  shareOfInstance: number;
  present: boolean;
  closedByMeetingEnd: boolean;
  /** Strongest method over the user's sessions. */
  resolvedBy: ResolutionMethod;
  /** Where the evidence that resolved the user came from, the strongest that contributed. */
  source: AttendanceSource;
  /** The weakest of the user's session resolutions. */
  confidence: number;
}

/** One participant session's figures and resolution (a `Session` and its `Resolution`, without the detail). */
export interface LeanSession {
  sessionKey: string;
  /** Set when the key is a participant_uuid. */
  participantUuid?: string;
  /** The latest name shown (absent under privacy modes or on blanked accounts). */
  userName?: string;
  /** Start of the earliest interval. */
  firstJoin: number;
  /** End of the latest interval; undefined while the session is still present. */
  lastLeave?: number;
  attendedMs: number;
  present: boolean;
  /** `webhook` if any webhook event made it, else `report`. */
  source: EventSource;
  /** The app user it resolved to; undefined when unresolved. */
  userId?: string;
  method?: ResolutionMethod;
  confidence: number;
  unresolvedReason?: UnresolvedReason;
}

/** Sorted like `InstanceResult`: sessions and unresolved by session key, attendance by user id. */
export interface LeanInstanceResult {
  instance: InstanceInfo;
  sessions: LeanSession[];
  attendance: LeanAttendance[];
  unresolved: UnresolvedSession[];
}
