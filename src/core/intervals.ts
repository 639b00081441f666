import type { Interval } from "./instance-result.js";

import { ascending } from "./comparators.js";
import { sortPrefix } from "./sort-prefix.js";
import { resized } from "./typed-arrays.js";

/**
 * Pairs one connection's joins and leaves (the event's own times, never arrival order) into pieces:
 * a join opens (a second join while open is the same connection seen twice, e.g. webhook + report),
 * a leave closes the open piece; a leave with nothing open is either a stale extra (ignored) or,
 * when the connection has no earlier join at all, a leave whose join Rollcall never saw: it opens at
 * `instanceStart` when that is known and not later, else at the leave (zero length), flagged
 * `openedWithoutJoin`. A piece still open is closed by the first `meeting.ended` time at or after
 * its start (`closedByMeetingEnd`), else stays open. At equal times joins come first, so a join and
 * leave in the same second pair up.
 *
 * Reads `joins[0, nJoins)` and `leaves[0, nLeaves)` (sorted in place); `endTimes` must be sorted
 * ascending. Typed arrays and a piece buffer: no object per event or piece. The plain version of
 * these rules is the oracle in test/core/oracles.ts.
 */
export function pairTimes(joins: Float64Array, nJoins: number, leaves: Float64Array, nLeaves: number, instanceStart: number | undefined, endTimes: readonly number[], out: PieceBuffer): void {
  sortPrefix(joins, nJoins, ascending);
  sortPrefix(leaves, nLeaves, ascending);
  let open = NaN;
  let sawJoin = false;
  let j = 0;
  let l = 0;
  while (j < nJoins || l < nLeaves) {
    if (j < nJoins && (l >= nLeaves || joins[j]! <= leaves[l]!)) {
      if (open !== open) open = joins[j]!;
      sawJoin = true;
      j++;
      continue;
    }
    const at = leaves[l++]!;
    if (open === open) {
      out.add(open, at, false, false);
      open = NaN;
    } else if (!sawJoin) {
      out.add(instanceStart !== undefined && instanceStart <= at ? instanceStart : at, at, false, true);
      sawJoin = true; // later stray leaves of this connection are stale extras
    }
  }
  if (open === open) {
    let end = Infinity;
    for (let i = 0; i < endTimes.length; i++) {
      if (endTimes[i]! >= open) {
        end = endTimes[i]!;
        break;
      }
    }
    out.add(open, end, end !== Infinity, false);
  }
}

/**
 * Union of intervals (open ones reach to infinity). Touching intervals merge, so a breakout move
 * (leave and join in the same second) leaves no gap. The merged interval takes `closedByMeetingEnd`
 * from the piece that sets its end and `openedWithoutJoin` from the piece that sets its start;
 * on ties a real join/leave wins. Returns new objects; the input is left alone.
 */
export function unionIntervals(intervals: readonly Interval[]): Interval[] {
  const pieces = new PieceBuffer();
  for (const i of intervals) pieces.addInterval(i);
  return pieces.union();
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
 * as new objects. One per computation (see `scratch.ts`), reused across its sessions and users.
 */
export class PieceBuffer {
  private from = new Float64Array(64);
  private to = new Float64Array(64);
  /** bit 0: closedByMeetingEnd, bit 1: openedWithoutJoin. */
  private flags = new Uint8Array(64);
  private order = new Int32Array(64);
  /** The result of {@link merge}. */
  mergedFrom = new Float64Array(64);
  mergedTo = new Float64Array(64);
  mergedFlags = new Uint8Array(64);
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
    this.from = resized(this.from, size);
    this.to = resized(this.to, size);
    this.flags = resized(this.flags, size);
    this.order = new Int32Array(size);
    this.mergedFrom = new Float64Array(size);
    this.mergedTo = new Float64Array(size);
    this.mergedFlags = new Uint8Array(size);
  }

  /** Whether any piece added since the last clear has one of the flag bits of `mask` (1: closed by meeting end, 2: opened without join). */
  anyFlag(mask: number): boolean {
    for (let i = 0; i < this.length; i++) if ((this.flags[i]! & mask) !== 0) return true;
    return false;
  }

  /** The piece at `i` (in the order added), as an interval object; for inspection. */
  piece(i: number): Interval {
    return interval(this.from[i]!, this.to[i]!, (this.flags[i]! & 1) !== 0, (this.flags[i]! & 2) !== 0);
  }

  /** Piece order: from, to, openedWithoutJoin, closedByMeetingEnd (bound once, not per sort). */
  private readonly compareBound = (a: number, b: number): number => this.compare(a, b);

  private compare(a: number, b: number): number {
    const fa = this.flags[a]!;
    const fb = this.flags[b]!;
    return this.from[a]! - this.from[b]! || this.to[a]! - this.to[b]! || (fa >> 1) - (fb >> 1) || (fa & 1) - (fb & 1);
  }

  /** Union of the pieces, sorted, touching ones merged, as new objects; see {@link unionIntervals}. */
  union(): Interval[] {
    const m = this.merge();
    const out: Interval[] = new Array(m);
    const { mergedFrom, mergedTo, mergedFlags } = this;
    for (let i = 0; i < m; i++) out[i] = interval(mergedFrom[i]!, mergedTo[i]!, (mergedFlags[i]! & 1) !== 0, (mergedFlags[i]! & 2) !== 0);
    return out;
  }

  /**
   * The union of {@link union}, left in `mergedFrom`/`mergedTo`/`mergedFlags` (valid until the next
   * `add`); returns how many intervals it has. No object is made.
   */
  merge(): number {
    const n = this.length;
    if (n === 0) return 0;
    const { from, to, flags, order } = this;
    const mFrom = this.mergedFrom;
    const mTo = this.mergedTo;
    const mFlags = this.mergedFlags;
    if (n === 1) {
      mFrom[0] = from[0]!;
      mTo[0] = to[0]!;
      mFlags[0] = flags[0]!;
      return 1;
    }
    for (let i = 0; i < n; i++) order[i] = i;
    sortPrefix(order, n, this.compareBound);
    let c = order[0]!;
    let curFrom = from[c]!;
    let curTo = to[c]!;
    let cbme = (flags[c]! & 1) !== 0;
    let owj = (flags[c]! & 2) !== 0;
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
    mFrom[m] = curFrom;
    mTo[m] = curTo;
    mFlags[m] = (cbme ? 1 : 0) | (owj ? 2 : 0);
    return m + 1;
  }
}

/** An interval object from a merged piece (`to` Infinity: open; flags as in {@link PieceBuffer}). */
export function intervalOf(from: number, to: number, flags: number): Interval {
  return interval(from, to, (flags & 1) !== 0, (flags & 2) !== 0);
}

function interval(from: number, to: number, closedByMeetingEnd: boolean, openedWithoutJoin: boolean): Interval {
  return to === Infinity ? { from, closedByMeetingEnd, openedWithoutJoin } : { from, to, closedByMeetingEnd, openedWithoutJoin };
}
