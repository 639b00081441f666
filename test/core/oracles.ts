/**
 * The engine's interval rules written plainly, one object per interval, as the specification the
 * hand-tuned versions in src/core/intervals.ts (typed arrays, no objects) are property-tested
 * against (test/core/interval-oracles.test.ts). Not used by the engine.
 */
import type { Interval } from "../../src/core/index.js";

/**
 * Pairs one connection's joins and leaves (the events' own times, never arrival order) into intervals:
 * a join opens (a second join while open is the same connection seen twice, e.g. webhook + report),
 * a leave closes the open interval; a leave with nothing open is either a stale extra (ignored) or,
 * when the connection has no earlier join at all, a leave whose join Rollcall never saw: it opens at
 * `instanceStart` when that is known and not later, else at the leave (zero length), flagged
 * `openedWithoutJoin`. An interval still open is closed by the first `meeting.ended` time at or
 * after its start (`closedByMeetingEnd`). At equal times joins come first.
 */
export function pairJoinsAndLeavesOracle(joinsIn: readonly number[], leavesIn: readonly number[], instanceStart: number | undefined, endTimes: readonly number[]): Interval[] {
  const joins = [...joinsIn].sort((a, b) => a - b);
  const leaves = [...leavesIn].sort((a, b) => a - b);
  const out: Interval[] = [];
  let open: number | undefined;
  let sawJoin = false;
  let j = 0;
  let l = 0;
  while (j < joins.length || l < leaves.length) {
    if (j < joins.length && (l >= leaves.length || joins[j]! <= leaves[l]!)) {
      if (open === undefined) open = joins[j];
      sawJoin = true;
      j++;
      continue;
    }
    const at = leaves[l++]!;
    if (open !== undefined) {
      out.push({ from: open, to: at, closedByMeetingEnd: false, openedWithoutJoin: false });
      open = undefined;
    } else if (!sawJoin) {
      const from = instanceStart !== undefined && instanceStart <= at ? instanceStart : at;
      out.push({ from, to: at, closedByMeetingEnd: false, openedWithoutJoin: true });
      sawJoin = true;
    }
  }
  if (open !== undefined) {
    const end = [...endTimes].sort((a, b) => a - b).find((t) => t >= open!);
    out.push(end === undefined ? { from: open, closedByMeetingEnd: false, openedWithoutJoin: false } : { from: open, to: end, closedByMeetingEnd: true, openedWithoutJoin: false });
  }
  return out;
}

/**
 * Union of intervals (open ones reach to infinity); touching intervals merge. The merged interval
 * takes `closedByMeetingEnd` from the piece that sets its end and `openedWithoutJoin` from the piece
 * that sets its start; on ties a real join/leave wins.
 */
export function unionIntervalsOracle(input: readonly Interval[]): Interval[] {
  if (input.length === 0) return [];
  const intervals = [...input].sort(
    (a, b) => a.from - b.from || (a.to ?? Infinity) - (b.to ?? Infinity) || Number(a.openedWithoutJoin) - Number(b.openedWithoutJoin) || Number(a.closedByMeetingEnd) - Number(b.closedByMeetingEnd),
  );
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
