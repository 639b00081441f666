import type { ResolutionMethod } from "./engine-options.js";
import type { Attendance, Interval, Resolution, Session, UnresolvedSession } from "./instance-result.js";
import { coveredMs } from "./intervals.js";
import type { Scratch } from "./scratch.js";

/** What attendance needs from the instance. */
export interface AttendanceContext {
  methods: readonly ResolutionMethod[];
  /** Where open intervals stop counting: `now`, else the latest event time. */
  openEnd: number;
  spanFrom: number | undefined;
  spanTo: number | undefined;
  /** Working space of this computation. */
  scratch: Scratch;
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
  // Users in order of first session; each user's sessions chained in session order (sessions come
  // sorted by key, so the chain is the user's sorted session keys).
  const userIndex = new Map<string, number>();
  const users: string[] = [];
  const head: number[] = [];
  const tail: number[] = [];
  const count: number[] = [];
  const next = new Int32Array(sessions.length);
  const unresolved: UnresolvedSession[] = [];
  for (let i = 0; i < sessions.length; i++) {
    const r = resolutions[i]!;
    const userId = r.userId;
    if (userId === undefined) {
      const name = latestNames[i];
      const sessionKey = r.sessionKey;
      const attendedMs = sessions[i]!.attendedMs;
      const reason = r.unresolvedReason ?? "no_identifier";
      unresolved.push(name !== undefined ? { sessionKey, attendedMs, reason, userName: name } : { sessionKey, attendedMs, reason });
      continue;
    }
    next[i] = -1;
    const k = userIndex.get(userId);
    if (k === undefined) {
      userIndex.set(userId, users.length);
      users.push(userId);
      head.push(i);
      tail.push(i);
      count.push(1);
    } else {
      next[tail[k]!] = i;
      tail[k] = i;
      count[k]!++;
    }
  }
  const span = ctx.spanFrom !== undefined && ctx.spanTo !== undefined ? ctx.spanTo - ctx.spanFrom : 0;
  const methods = ctx.methods;
  const attendance: Attendance[] = new Array(users.length);
  const pieces = ctx.scratch.pieces;
  for (let k = 0; k < users.length; k++) {
    pieces.clear();
    let closedByMeetingEnd = false;
    let bestRank = Infinity;
    let bestMethod: ResolutionMethod | undefined;
    let anyWebhookEvidence = false;
    let confidence = 1;
    const sessionKeys: string[] = new Array(count[k]!);
    let nKeys = 0;
    for (let i = head[k]!; i !== -1; i = next[i]!) {
      const s = sessions[i]!;
      const r = resolutions[i]!;
      sessionKeys[nKeys++] = s.sessionKey;
      const intervals = s.intervals;
      for (let j = 0; j < intervals.length; j++) {
        const interval = intervals[j]!;
        pieces.addInterval(interval);
        if (interval.closedByMeetingEnd) closedByMeetingEnd = true;
      }
      const rank = methods.indexOf(r.method!);
      if (rank < bestRank) {
        bestRank = rank;
        bestMethod = r.method;
      }
      const evidence = r.evidence;
      for (let j = 0; j < evidence.length; j++) if (evidence[j]!.source !== "report") anyWebhookEvidence = true;
      if (r.confidence < confidence) confidence = r.confidence;
    }
    // New interval objects: the sessions' own intervals are never shared or touched.
    const intervals = pieces.union();
    const attendedMs = coveredMs(intervals, ctx.openEnd);
    let present = false;
    let lastLeave = -Infinity;
    for (let j = 0; j < intervals.length; j++) {
      const to = intervals[j]!.to;
      if (to === undefined) present = true;
      else if (to > lastLeave) lastLeave = to;
    }
    const userId = users[k]!;
    const firstJoin = intervals.length > 0 ? intervals[0]!.from : NaN;
    const sessionCount = count[k]!;
    const shareOfInstance = span > 0 ? Math.min(1, attendedMs / span) : 0;
    const resolvedBy = anyWebhookEvidence ? bestMethod! : "report";
    const keys = sortedInPlace(sessionKeys);
    // One literal per shape (lastLeave last, as when it used to be added afterwards).
    attendance[k] =
      !present && lastLeave > -Infinity
        ? { userId, attendedMs, firstJoin, sessions: sessionCount, shareOfInstance, present, closedByMeetingEnd, resolvedBy, confidence, sessionKeys: keys, intervals, lastLeave }
        : { userId, attendedMs, firstJoin, sessions: sessionCount, shareOfInstance, present, closedByMeetingEnd, resolvedBy, confidence, sessionKeys: keys, intervals };
  }
  attendance.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  // Unresolved sessions were visited in session order, which is sorted by session key already.
  if (!isSortedByKey(unresolved)) unresolved.sort((a, b) => (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0));
  return { attendance, unresolved };
}

/** Session keys arrive in session order (sorted); sorts only when the caller's sessions were not. */
function sortedInPlace(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

function isSortedByKey(list: UnresolvedSession[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]!.sessionKey > list[i]!.sessionKey) return false;
  return true;
}
