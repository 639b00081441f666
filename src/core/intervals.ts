import type { Interval } from "./instance-result.js";

/** A join or leave of one connection (one Zoom `user_id`), by the event's own time. */
export interface Mark {
  at: number;
  join: boolean;
}

/**
 * Pairs one connection's joins and leaves into intervals, by time (never by arrival):
 * a join opens (a second join while open is the same connection seen twice, e.g. webhook + report),
 * a leave closes the open interval; a leave with nothing open is either a stale extra (ignored) or,
 * when the connection has no earlier join at all, a leave whose join Rollcall never saw — it opens at
 * `instanceStart` when that is known and not later, else at the leave (zero length), flagged.
 * An interval still open is closed by the first `meeting.ended` time at or after its start.
 *
 * `marks` is sorted in place. `endTimes` must be sorted ascending.
 */
export function pairMarks(marks: Mark[], instanceStart: number | undefined, endTimes: readonly number[], out: Interval[]): void {
  if (marks.length > 1) marks.sort(compareMarks);
  let open: number | undefined;
  let sawJoin = false;
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i]!;
    if (m.join) {
      if (open === undefined) open = m.at;
      sawJoin = true;
    } else if (open !== undefined) {
      out.push({ from: open, to: m.at, closedByMeetingEnd: false, openedWithoutJoin: false });
      open = undefined;
    } else if (!sawJoin) {
      const from = instanceStart !== undefined && instanceStart <= m.at ? instanceStart : m.at;
      out.push({ from, to: m.at, closedByMeetingEnd: false, openedWithoutJoin: true });
      sawJoin = true; // later stray leaves of this connection are stale extras
    }
  }
  if (open !== undefined) {
    const end = firstAtOrAfter(endTimes, open);
    out.push(end === undefined ? { from: open, closedByMeetingEnd: false, openedWithoutJoin: false } : { from: open, to: end, closedByMeetingEnd: true, openedWithoutJoin: false });
  }
}

function compareMarks(a: Mark, b: Mark): number {
  // At the same instant a join sorts first, so join+leave in one second pairs up.
  return a.at - b.at || (a.join === b.join ? 0 : a.join ? -1 : 1);
}

function firstAtOrAfter(sorted: readonly number[], t: number): number | undefined {
  for (let i = 0; i < sorted.length; i++) if (sorted[i]! >= t) return sorted[i];
  return undefined;
}

/**
 * Union of intervals (open ones reach to infinity). Touching intervals merge, so a breakout move
 * (leave and join in the same second) leaves no gap. The merged interval takes `closedByMeetingEnd`
 * from the piece that sets its end and `openedWithoutJoin` from the piece that sets its start;
 * on ties a real join/leave wins. Sorts `intervals` in place.
 *
 * @example
 * unionIntervals([{ from: 0, to: 10, ... }, { from: 10, to: 20, ... }]) // [{ from: 0, to: 20, ... }]
 */
export function unionIntervals(intervals: Interval[]): Interval[] {
  if (intervals.length === 0) return [];
  intervals.sort(compareIntervals);
  const out: Interval[] = [];
  let cur = { ...intervals[0]! };
  for (let i = 1; i < intervals.length; i++) {
    const next = intervals[i]!;
    const curTo = cur.to ?? Infinity;
    if (next.from <= curTo) {
      if (next.from === cur.from) cur.openedWithoutJoin = cur.openedWithoutJoin && next.openedWithoutJoin;
      const nextTo = next.to ?? Infinity;
      if (nextTo > curTo) {
        if (next.to === undefined) delete cur.to;
        else cur.to = next.to;
        cur.closedByMeetingEnd = next.closedByMeetingEnd;
      } else if (nextTo === curTo) {
        cur.closedByMeetingEnd = cur.closedByMeetingEnd && next.closedByMeetingEnd;
      }
    } else {
      out.push(cur);
      cur = { ...next };
    }
  }
  out.push(cur);
  return out;
}

function compareIntervals(a: Interval, b: Interval): number {
  return a.from - b.from || (a.to ?? Infinity) - (b.to ?? Infinity) || Number(a.openedWithoutJoin) - Number(b.openedWithoutJoin) || Number(a.closedByMeetingEnd) - Number(b.closedByMeetingEnd);
}

/** Milliseconds covered by disjoint intervals; open ones count until `openEnd`. */
export function coveredMs(disjoint: readonly Interval[], openEnd: number): number {
  let total = 0;
  for (const i of disjoint) {
    const to = i.to ?? Math.max(openEnd, i.from);
    total += to - i.from;
  }
  return total;
}
