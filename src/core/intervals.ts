import type { Interval } from "./instance-result.js";

/**
 * Pairs one connection's joins and leaves (the event's own times, never arrival order) into intervals:
 * a join opens (a second join while open is the same connection seen twice, e.g. webhook + report),
 * a leave closes the open interval; a leave with nothing open is either a stale extra (ignored) or,
 * when the connection has no earlier join at all, a leave whose join Rollcall never saw — it opens at
 * `instanceStart` when that is known and not later, else at the leave (zero length), flagged
 * `openedWithoutJoin`. An interval still open is closed by the first `meeting.ended` time at or
 * after its start (`closedByMeetingEnd`). At equal times joins come first, so a join and leave in
 * the same second pair up.
 *
 * `joins` and `leaves` are sorted in place; `endTimes` must be sorted ascending.
 */
export function pairJoinsAndLeaves(joins: number[], leaves: number[], instanceStart: number | undefined, endTimes: readonly number[], out: Interval[]): void {
  if (joins.length > 1) joins.sort(ascending);
  if (leaves.length > 1) leaves.sort(ascending);
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
      sawJoin = true; // later stray leaves of this connection are stale extras
    }
  }
  if (open !== undefined) {
    const end = firstAtOrAfter(endTimes, open);
    out.push(end === undefined ? { from: open, closedByMeetingEnd: false, openedWithoutJoin: false } : { from: open, to: end, closedByMeetingEnd: true, openedWithoutJoin: false });
  }
}

function ascending(a: number, b: number): number {
  return a - b;
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

/**
 * Interval pieces in typed arrays (open = `to` Infinity), for building results without a temporary
 * object per piece: `union()` gives exactly what {@link unionIntervals} gives for the same pieces,
 * as new objects. Reused across sessions and users of a result.
 */
export class PieceBuffer {
  private from = new Float64Array(64);
  private to = new Float64Array(64);
  /** bit 0: closedByMeetingEnd, bit 1: openedWithoutJoin. */
  private flags = new Uint8Array(64);
  private order = new Int32Array(64);
  private mergedFrom = new Float64Array(64);
  private mergedTo = new Float64Array(64);
  private mergedFlags = new Uint8Array(64);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  add(from: number, to: number, closedByMeetingEnd: boolean, openedWithoutJoin: boolean): void {
    const n = this.length;
    if (n === this.from.length) this.grow();
    this.from[n] = from;
    this.to[n] = to;
    this.flags[n] = (closedByMeetingEnd ? 1 : 0) | (openedWithoutJoin ? 2 : 0);
    this.length = n + 1;
  }

  addInterval(i: Interval): void {
    this.add(i.from, i.to ?? Infinity, i.closedByMeetingEnd, i.openedWithoutJoin);
  }

  private grow(): void {
    const size = this.from.length * 2;
    const from = new Float64Array(size);
    from.set(this.from);
    const to = new Float64Array(size);
    to.set(this.to);
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.from = from;
    this.to = to;
    this.flags = flags;
    this.order = new Int32Array(size);
    this.mergedFrom = new Float64Array(size);
    this.mergedTo = new Float64Array(size);
    this.mergedFlags = new Uint8Array(size);
  }

  /** Order of compareIntervals: from, to, openedWithoutJoin, closedByMeetingEnd. */
  private compare(a: number, b: number): number {
    const fa = this.flags[a]!;
    const fb = this.flags[b]!;
    return this.from[a]! - this.from[b]! || this.to[a]! - this.to[b]! || (fa >> 1) - (fb >> 1) || (fa & 1) - (fb & 1);
  }

  /** Union of the pieces, sorted, touching ones merged; see {@link unionIntervals}. */
  union(): Interval[] {
    const n = this.length;
    if (n === 0) return [];
    const { from, to, flags, order } = this;
    if (n === 1) return [interval(from[0]!, to[0]!, (flags[0]! & 1) !== 0, (flags[0]! & 2) !== 0)];
    for (let i = 0; i < n; i++) order[i] = i;
    if (n > 32) {
      const sorted = Array.from(order.subarray(0, n)).sort((a, b) => this.compare(a, b));
      order.set(sorted);
    } else {
      for (let i = 1; i < n; i++) {
        const v = order[i]!;
        let k = i - 1;
        while (k >= 0 && this.compare(order[k]!, v) > 0) {
          order[k + 1] = order[k]!;
          k--;
        }
        order[k + 1] = v;
      }
    }
    // Closed merged intervals go to the merge buffers; the result array is then allocated exactly.
    let c = order[0]!;
    let curFrom = from[c]!;
    let curTo = to[c]!;
    let cbme = (flags[c]! & 1) !== 0;
    let owj = (flags[c]! & 2) !== 0;
    const mFrom = this.mergedFrom;
    const mTo = this.mergedTo;
    const mFlags = this.mergedFlags;
    let m = 0;
    for (let i = 1; i < n; i++) {
      c = order[i]!;
      const nextFrom = from[c]!;
      const nextTo = to[c]!;
      if (nextFrom <= curTo) {
        if (nextFrom === curFrom) owj = owj && (flags[c]! & 2) !== 0;
        if (nextTo > curTo) {
          curTo = nextTo;
          cbme = (flags[c]! & 1) !== 0;
        } else if (nextTo === curTo) {
          cbme = cbme && (flags[c]! & 1) !== 0;
        }
      } else {
        mFrom[m] = curFrom;
        mTo[m] = curTo;
        mFlags[m] = (cbme ? 1 : 0) | (owj ? 2 : 0);
        m++;
        curFrom = nextFrom;
        curTo = nextTo;
        cbme = (flags[c]! & 1) !== 0;
        owj = (flags[c]! & 2) !== 0;
      }
    }
    if (m === 0) return [interval(curFrom, curTo, cbme, owj)];
    const out: Interval[] = new Array(m + 1);
    for (let i = 0; i < m; i++) out[i] = interval(mFrom[i]!, mTo[i]!, (mFlags[i]! & 1) !== 0, (mFlags[i]! & 2) !== 0);
    out[m] = interval(curFrom, curTo, cbme, owj);
    return out;
  }
}

function interval(from: number, to: number, closedByMeetingEnd: boolean, openedWithoutJoin: boolean): Interval {
  return to === Infinity ? { from, closedByMeetingEnd, openedWithoutJoin } : { from, to, closedByMeetingEnd, openedWithoutJoin };
}
