import type { ResolutionMethod } from "./engine-options.js";
import type { Attendance, Interval, Resolution, Session, UnresolvedSession } from "./instance-result.js";
import { coveredMs, unionIntervals } from "./intervals.js";
import { exact } from "./sessions.js";

/** What attendance needs from the instance. */
export interface AttendanceContext {
  methods: readonly ResolutionMethod[];
  /** Where open intervals stop counting: `now`, else the latest event time. */
  openEnd: number;
  spanFrom: number | undefined;
  spanTo: number | undefined;
}

/**
 * Per user: the union of the intervals of every session resolved to them (two devices at once count
 * once), first join, last leave, number of sessions, share of the instance span, presence, whether
 * `meeting.ended` closed anything, the strongest method (`report` if only report rows resolved them)
 * and the weakest confidence. Unresolved sessions are reported one by one.
 * `sessions` and `resolutions` must be aligned (same order).
 */
export function computeAttendance(
  sessions: readonly Session[],
  resolutions: readonly Resolution[],
  latestNames: readonly (string | undefined)[],
  ctx: AttendanceContext,
): { attendance: Attendance[]; unresolved: UnresolvedSession[] } {
  const byUser = new Map<string, number[]>();
  const unresolved: UnresolvedSession[] = [];
  for (let i = 0; i < sessions.length; i++) {
    const r = resolutions[i]!;
    if (r.userId === undefined) {
      const u: UnresolvedSession = { sessionKey: r.sessionKey, attendedMs: sessions[i]!.attendedMs, reason: r.unresolvedReason ?? "no_identifier" };
      const name = latestNames[i];
      if (name !== undefined) u.userName = name;
      unresolved.push(u);
      continue;
    }
    const list = byUser.get(r.userId);
    if (list === undefined) byUser.set(r.userId, [i]);
    else list.push(i);
  }
  const span = ctx.spanFrom !== undefined && ctx.spanTo !== undefined ? ctx.spanTo - ctx.spanFrom : 0;
  const attendance: Attendance[] = [];
  for (const [userId, indexes] of byUser) {
    const pieces: Interval[] = [];
    let closedByMeetingEnd = false;
    let bestRank = Infinity;
    let bestMethod: ResolutionMethod | undefined;
    let anyWebhookEvidence = false;
    let confidence = 1;
    const sessionKeys: string[] = [];
    for (const i of indexes) {
      const s = sessions[i]!;
      const r = resolutions[i]!;
      sessionKeys.push(s.sessionKey);
      for (const interval of s.intervals) {
        pieces.push(interval);
        if (interval.closedByMeetingEnd) closedByMeetingEnd = true;
      }
      const rank = ctx.methods.indexOf(r.method!);
      if (rank < bestRank) {
        bestRank = rank;
        bestMethod = r.method;
      }
      for (const e of r.evidence) if (e.source !== "report") anyWebhookEvidence = true;
      if (r.confidence < confidence) confidence = r.confidence;
    }
    // unionIntervals copies what it merges, so the sessions' own intervals are never touched.
    const intervals = unionIntervals(pieces);
    const attendedMs = coveredMs(intervals, ctx.openEnd);
    let present = false;
    let lastLeave = -Infinity;
    for (const i of intervals) {
      if (i.to === undefined) present = true;
      else if (i.to > lastLeave) lastLeave = i.to;
    }
    const a: Attendance = {
      userId,
      attendedMs,
      firstJoin: intervals.length > 0 ? intervals[0]!.from : NaN,
      sessions: indexes.length,
      shareOfInstance: span > 0 ? Math.min(1, attendedMs / span) : 0,
      present,
      closedByMeetingEnd,
      resolvedBy: anyWebhookEvidence ? bestMethod! : "report",
      confidence,
      sessionKeys: exact(sessionKeys.sort()),
      intervals: exact(intervals),
    };
    if (!present && lastLeave > -Infinity) a.lastLeave = lastLeave;
    attendance.push(a);
  }
  attendance.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  unresolved.sort((a, b) => (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0));
  return { attendance, unresolved };
}
