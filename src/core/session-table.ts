import type { UnresolvedReason } from "./result-common.js";
import type { PieceBuffer } from "./intervals.js";
import { resized } from "./typed-arrays.js";

/**
 * The sessions of one computation as columns, row `i` per session in build order: what attendance
 * and the lean result need (key, resolution, time, merged intervals in one pool), without an
 * object per session. The rich `Session`/`Resolution` objects are made beside it only when asked for.
 */
export class SessionTable {
  length = 0;
  readonly key: string[] = [];
  /** Whether the key is a participant_uuid (else a user_id). */
  readonly keyIsUuid: boolean[] = [];
  /** The app user it resolved to; undefined when unresolved. */
  readonly userId: Array<string | undefined> = [];
  /** Index of the winning method in the options' method list (-1: unresolved). */
  readonly methodRank: number[] = [];
  readonly confidence: number[] = [];
  /** Strongest source of the winner's evidence: 0 a manual link, 1 webhook, 2 report. */
  readonly sourceRank: number[] = [];
  readonly reason: Array<UnresolvedReason | undefined> = [];
  /** Latest name shown, by event time then key. */
  readonly latestName: Array<string | undefined> = [];
  readonly attendedMs: number[] = [];
  readonly present: boolean[] = [];
  /** Whether any webhook event made it (else only report rows did). */
  readonly webhook: boolean[] = [];
  /**
   * Whether its time depends on the instance's start (a piece opened by a leave without its join,
   * even where a union hides it) or end (an open piece, or one `meeting.ended` closed).
   */
  readonly followsStart: boolean[] = [];
  readonly followsEnd: boolean[] = [];
  /** The session's merged intervals are pool entries [intervalStart[i], intervalStart[i + 1]). */
  readonly intervalStart: number[] = [0];
  /** Interval pool: `to` Infinity while open; flags bit 0 closedByMeetingEnd, bit 1 openedWithoutJoin. */
  // Small at first (grown by doubling): a cached instance keeps its table, and most are small.
  from = new Float64Array(8);
  to = new Float64Array(8);
  flags = new Uint8Array(8);

  /** Appends the first `m` merged intervals of `pieces` to the pool for the row being added. */
  addIntervals(pieces: PieceBuffer, m: number): void {
    const start = this.intervalStart[this.intervalStart.length - 1]!;
    if (start + m > this.from.length) this.grow(start + m);
    const { mergedFrom, mergedTo, mergedFlags } = pieces;
    for (let k = 0; k < m; k++) {
      this.from[start + k] = mergedFrom[k]!;
      this.to[start + k] = mergedTo[k]!;
      this.flags[start + k] = mergedFlags[k]!;
    }
    this.intervalStart.push(start + m);
  }

  /** Row indexes sorted by session key (stable). */
  sortedOrder(): number[] {
    const n = this.length;
    const order: number[] = new Array(n);
    const keys = this.key;
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      if (i > 0 && keys[i - 1]! > keys[i]!) sorted = false;
    }
    if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    return order;
  }

  private grow(needed: number): void {
    let size = this.from.length * 2;
    while (size < needed) size *= 2;
    this.from = resized(this.from, size);
    this.to = resized(this.to, size);
    this.flags = resized(this.flags, size);
  }
}
