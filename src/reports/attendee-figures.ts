import type { StatusPolicy } from "../config/index.js";
import { isoTime } from "../json/index.js";
import { attendanceStatus, DEFAULT_STATUS_POLICY, type AttendanceStatus, type StatusInstance } from "./status-policy.js";

/**
 * One user's attendance in one instance as stored (the `attendance` row) or as the engine just
 * computed it: what a row's status, seconds and times are made from. Times are epoch ms.
 */
export interface StoredAttendance {
  /** The closed part (the stored form): see {@link liveAttendedMs}. */
  attendedMs: number;
  /** Start of the open interval while connected, else null. */
  openSince: number | null;
  /** Start of the first counted interval. */
  countedFrom: number;
  /**
   * Whether that start is a join Zoom reported. False when a leave came without its join (the
   * join is late, lost, or came before Rollcall listened): time then counts from the instance's
   * start, but no join time is known, so none is shown.
   */
  joinSeen: boolean;
  /** Null while connected. */
  lastLeave: number | null;
  /** Connected now (an open session). */
  present: boolean;
}

/** The fields of an attendee row that follow from {@link StoredAttendance}. */
export interface AttendeeFigures {
  status: AttendanceStatus;
  attendedSeconds: number;
  /** ISO-8601; null while no join has been seen. */
  firstJoin: string | null;
  lastLeave: string | null;
  /** `in_meeting` rows: the time `attendedSeconds` was counted up to; else null (the count is closed). */
  asOf: string | null;
}

/**
 * Status, seconds and times of one attendee row: one rule for the reports, the API and the
 * webhooks. While the instance is live a connected user is `in_meeting` with the seconds counted up
 * to `asOf` (the latest event time Rollcall has seen of the instance: its `spanTo`), never `absent`.
 */
export function attendeeFigures(stored: StoredAttendance, instance: StatusInstance, policy: StatusPolicy = DEFAULT_STATUS_POLICY): AttendeeFigures {
  const attendedMs = liveAttendedMs(stored.attendedMs, stored.openSince, instance.spanTo);
  const status = attendanceStatus({ attendedMs, firstJoin: stored.countedFrom, lastLeave: stored.lastLeave, present: stored.present }, instance, policy);
  return {
    status,
    attendedSeconds: wholeSeconds(attendedMs),
    firstJoin: stored.joinSeen ? isoTime(stored.countedFrom) : null,
    lastLeave: isoTime(stored.lastLeave),
    asOf: status === "in_meeting" ? isoTime(Math.max(instance.spanTo ?? stored.countedFrom, stored.countedFrom)) : null,
  };
}

/**
 * The time of a stored session or attendee row up to `asOf` (the instance's `span_to`: the latest
 * event Rollcall has seen of it): rows keep the closed part (`attended_ms`) and where an open
 * interval began (`open_since`), so they do not change while someone merely stays; readers add
 * the open time. The one rule for every reader of stored time.
 */
export function liveAttendedMs(attendedMs: number, openSince: number | null, asOf: number | null | undefined): number {
  if (openSince === null || asOf === null || asOf === undefined) return attendedMs;
  return attendedMs + Math.max(0, asOf - openSince);
}

/** A user's share of the instance's span (0..1), from their time and the span. */
export function shareOfSpan(attendedMs: number, spanFrom: number | null | undefined, spanTo: number | null | undefined): number {
  const span = spanFrom !== null && spanFrom !== undefined && spanTo !== null && spanTo !== undefined ? spanTo - spanFrom : 0;
  return span > 0 ? Math.min(1, attendedMs / span) : 0;
}

/** Milliseconds → the whole seconds every report, CSV and webhook shows (rounded to the nearest). */
export function wholeSeconds(ms: number): number {
  return Math.round(ms / 1000);
}

/**
 * Whether the first of a stored interval list (`intervals_json`) began with a join Zoom reported.
 * An empty list has no join.
 */
export function firstJoinSeen(intervalsJson: string): boolean {
  const intervals = JSON.parse(intervalsJson) as Array<{ openedWithoutJoin?: boolean }>;
  return intervals.length > 0 && intervals[0]!.openedWithoutJoin !== true;
}

/**
 * A session's first join and last leave from its stored intervals (epoch ms): the join null when
 * the first interval was opened by a leave (never invented), the leave null while still connected.
 */
export function knownJoinAndLeave(intervals: ReadonlyArray<{ from: number; to?: number | null; openedWithoutJoin?: boolean }>, present: boolean): { firstJoin: number | null; lastLeave: number | null } {
  let first: { from: number; openedWithoutJoin?: boolean } | undefined;
  let lastLeave: number | null = null;
  for (const i of intervals) {
    if (first === undefined || i.from < first.from) first = i;
    if (i.to !== undefined && i.to !== null && (lastLeave === null || i.to > lastLeave)) lastLeave = i.to;
  }
  return { firstJoin: first !== undefined && first.openedWithoutJoin !== true ? first.from : null, lastLeave: present ? null : lastLeave };
}
