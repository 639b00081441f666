import type { ResolutionMethod } from "./engine-options.js";
import type { Attendance, Interval } from "./instance-result.js";
import type { AttendanceSource, UnresolvedSession } from "./result-common.js";
import type { LeanAttendance } from "./lean-result.js";
import { intervalOf, type PieceBuffer } from "./intervals.js";
import type { Scratch } from "./scratch.js";
import type { SessionTable } from "./session-table.js";

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
 * `meeting.ended` closed anything, the strongest method, where its evidence came from (`source`:
 * `manual` > `webhook` > `report`) and the weakest confidence. Unresolved sessions are reported one
 * by one. Reads the session table's rows in `order` (sorted by session key); with `detail` each user
 * also gets their intervals and session keys (an {@link Attendance}), else an {@link LeanAttendance}.
 */
export function computeAttendance(table: SessionTable, order: readonly number[], ctx: AttendanceContext, detail: boolean): { attendance: LeanAttendance[]; unresolved: UnresolvedSession[] } {
  // Users in order of first session; each user's sessions chained in `order` (sorted by key, so the
  // chain is the user's sorted session keys).
  const userIndex = new Map<string, number>();
  const users: string[] = [];
  const head: number[] = [];
  const tail: number[] = [];
  const count: number[] = [];
  const next = new Int32Array(table.length);
  const unresolved: UnresolvedSession[] = [];
  const { key: keys, userId: userIds, attendedMs: sessionMs } = table;
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const userId = userIds[i];
    if (userId === undefined) {
      const name = table.latestName[i];
      const reason = table.reason[i] ?? "no_identifier";
      unresolved.push(name !== undefined ? { sessionKey: keys[i]!, attendedMs: sessionMs[i]!, reason, userName: name } : { sessionKey: keys[i]!, attendedMs: sessionMs[i]!, reason });
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
  const attendance: LeanAttendance[] = new Array(users.length);
  const pieces = ctx.scratch.pieces;
  const { intervalStart, from: poolFrom, to: poolTo, flags: poolFlags, methodRank, sourceRank: sourceRanks, confidence: confidences } = table;
  for (let k = 0; k < users.length; k++) {
    pieces.clear();
    const ranks: UserRanks = { closedByMeetingEnd: false, methodRank: Infinity, sourceRank: 2, confidence: 1 };
    const sessionKeys: string[] | undefined = detail ? new Array(count[k]!) : undefined;
    let nKeys = 0;
    for (let i = head[k]!; i !== -1; i = next[i]!) {
      if (sessionKeys !== undefined) sessionKeys[nKeys++] = keys[i]!;
      for (let j = intervalStart[i]!; j < intervalStart[i + 1]!; j++) {
        const flags = poolFlags[j]!;
        pieces.add(poolFrom[j]!, poolTo[j]!, (flags & 1) !== 0, (flags & 2) !== 0);
        if ((flags & 1) !== 0) ranks.closedByMeetingEnd = true;
      }
      addRanks(ranks, methodRank[i]!, sourceRanks[i]!, confidences[i]!);
    }
    attendance[k] = userAttendance(users[k]!, count[k]!, pieces, ranks, sessionKeys, { methods: ctx.methods, openEnd: ctx.openEnd, span });
  }
  attendance.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { attendance, unresolved };
}

/** What a user's attendance takes from their sessions besides time: the strongest method and source, the weakest confidence. */
export interface UserRanks {
  closedByMeetingEnd: boolean;
  /** Index of the strongest method (Infinity before the first session). */
  methodRank: number;
  sourceRank: number;
  confidence: number;
}

/** Folds one session's resolution into a user's ranks. */
export function addRanks(ranks: UserRanks, methodRank: number, sourceRank: number, confidence: number): void {
  if (methodRank < ranks.methodRank) ranks.methodRank = methodRank;
  if (sourceRank < ranks.sourceRank) ranks.sourceRank = sourceRank;
  if (confidence < ranks.confidence) ranks.confidence = confidence;
}

/**
 * One user's attendance from the interval pieces of all their sessions (added to `pieces`), their
 * ranks and session count: the union (two devices at once count once), open time counted until
 * `openEnd`, first join, last leave, presence and share of the span. The one rule for the full
 * result, the lean one and the incremental update.
 */
export function userAttendance(
  userId: string,
  sessions: number,
  pieces: PieceBuffer,
  ranks: UserRanks,
  sessionKeys: string[] | undefined,
  ctx: { methods: readonly ResolutionMethod[]; openEnd: number; span: number },
): LeanAttendance {
  const m = pieces.merge();
  const { mergedFrom, mergedTo, mergedFlags } = pieces;
  const openEnd = ctx.openEnd;
  let attendedMs = 0;
  let present = false;
  let lastLeave = -Infinity;
  for (let j = 0; j < m; j++) {
    const from = mergedFrom[j]!;
    const to = mergedTo[j]!;
    if (to === Infinity) {
      present = true;
      attendedMs += Math.max(openEnd, from) - from;
    } else {
      attendedMs += to - from;
      if (to > lastLeave) lastLeave = to;
    }
  }
  const firstJoin = m > 0 ? mergedFrom[0]! : NaN;
  const shareOfInstance = ctx.span > 0 ? Math.min(1, attendedMs / ctx.span) : 0;
  const resolvedBy = ctx.methods[ranks.methodRank]!;
  const source = SOURCES[ranks.sourceRank]!;
  const { closedByMeetingEnd, confidence } = ranks;
  const ended = !present && lastLeave > -Infinity;
  if (sessionKeys !== undefined) {
    // New interval objects: the sessions' own intervals are never shared or touched.
    const intervals: Interval[] = new Array(m);
    for (let j = 0; j < m; j++) intervals[j] = intervalOf(mergedFrom[j]!, mergedTo[j]!, mergedFlags[j]!);
    // One literal per shape (lastLeave last, as when it used to be added afterwards).
    const full: Attendance = ended
      ? { userId, attendedMs, firstJoin, sessions, shareOfInstance, present, closedByMeetingEnd, resolvedBy, source, confidence, sessionKeys, intervals, lastLeave }
      : { userId, attendedMs, firstJoin, sessions, shareOfInstance, present, closedByMeetingEnd, resolvedBy, source, confidence, sessionKeys, intervals };
    return full;
  }
  return ended
    ? { userId, attendedMs, firstJoin, sessions, shareOfInstance, present, closedByMeetingEnd, resolvedBy, source, confidence, lastLeave }
    : { userId, attendedMs, firstJoin, sessions, shareOfInstance, present, closedByMeetingEnd, resolvedBy, source, confidence };
}

/** Attendance sources by strength (index = the table's source rank: a manual link, webhook, report). */
const SOURCES: readonly AttendanceSource[] = ["manual", "webhook", "report"];
