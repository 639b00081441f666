import type { EngineOptions } from "./engine-options.js";
import type { ResolutionMethod } from "./engine-options.js";
import type { Attendance, Interval, Resolution, SeenIdentifier, Session } from "./instance-result.js";
import type { EventSource } from "./normalised-event.js";
import type { InstanceInfo, UnresolvedReason } from "./result-common.js";

/** Options of `InstanceState.update`. */
export interface UpdateOptions extends EngineOptions {
  /**
   * Recompute every session, not only those the new events touched: after the links or the
   * options changed (a resolution may change without a new event), or when the caller has no
   * record of what the previous update said.
   */
  everything?: boolean;
}

/** One session as the derived tables keep it. */
export interface SessionState {
  session: Session;
  resolution: Resolution;
  /** The latest name shown (by event time, then key): the display name of an unresolved session. */
  latestName: string | undefined;
}

/**
 * What is kept of a session between updates, small enough for a 100,000-attendee webinar: whom it
 * resolved to, its time, and for an unresolved one what a reviewer sees. The previous state of a
 * changed session is given in this form.
 */
export interface SessionSummary {
  sessionKey: string;
  userId: string | undefined;
  method: ResolutionMethod | undefined;
  unresolvedReason: UnresolvedReason | undefined;
  intervals: Interval[];
  present: boolean;
  source: EventSource;
  /** The latest name shown, else the first of its names (an unresolved session's display name). */
  userName: string | undefined;
  /** Only kept while unresolved (what a review shows); empty otherwise. */
  identifiers: SeenIdentifier[];
}

/**
 * What changed in an instance since the previous update, in the **stored form**: a session or a
 * user still in the meeting counts its time up to the start of its open interval only (`attendedMs`
 * leaves the open interval out, which `intervals` still shows with no `to`), so a row does not
 * change while someone merely stays; a reader adds the open time up to when it reads (the
 * instance's `spanTo`). `shareOfInstance` is a reader's figure too and is not compared.
 */
export interface InstanceUpdate {
  instance: InstanceInfo;
  /** The instance as the previous update said it (undefined on the first). */
  instanceBefore: InstanceInfo | undefined;
  /** Sessions new or changed, with what they were (undefined when new). */
  sessions: Array<{ now: SessionState; before: SessionSummary | undefined }>;
  /** Sessions that are no more (merged into another), as they were. */
  goneSessions: SessionSummary[];
  /** Users whose attendance is new or changed, with what it was. */
  attendance: Array<{ now: Attendance; before: Attendance | undefined }>;
  /** Users no session resolves to any more, as they were. */
  goneAttendance: Attendance[];
  /**
   * True on a state's first update: every session and user is in it, as new. A caller that stored
   * rows before (from another state: a rebuild, a restart, another process) compares with them.
   * Later updates, `everything` included, say what changed since the previous one.
   */
  complete: boolean;
}
