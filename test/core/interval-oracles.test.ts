/**
 * The hand-tuned interval code (typed arrays, one piece buffer, one small sort helper) against the
 * plain oracles in ./oracles.ts on random inputs, including lists longer than the helper's
 * insertion-sort limit and many equal times (the tie rules are where fast versions go wrong).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Interval } from "../../src/core/index.js";
import { pairTimes, PieceBuffer, unionIntervals } from "../../src/core/intervals.js";
import { sortPrefix } from "../../src/core/sort-prefix.js";
import { pairJoinsAndLeavesOracle, unionIntervalsOracle } from "./oracles.js";

// Few distinct times, so equal times (ties) are common.
const time = fc.integer({ min: 0, max: 12 });
const times = fc.oneof(fc.array(time, { maxLength: 8 }), fc.array(time, { minLength: 30, maxLength: 80 }));

const intervalArb: fc.Arbitrary<Interval> = fc
  .record({ from: time, length: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), closedByMeetingEnd: fc.boolean(), openedWithoutJoin: fc.boolean() })
  .map(({ from, length, closedByMeetingEnd, openedWithoutJoin }) => (length === undefined ? { from, closedByMeetingEnd, openedWithoutJoin } : { from, to: from + length, closedByMeetingEnd, openedWithoutJoin }));

function piecesOf(buffer: PieceBuffer): Interval[] {
  const out: Interval[] = [];
  for (let i = 0; i < buffer.length; i++) out.push(buffer.piece(i));
  return out;
}

describe("interval fast paths agree with the plain oracles", () => {
  it("pairTimes gives the oracle's pieces, in the same order", () => {
    fc.assert(
      fc.property(times, times, fc.option(time, { nil: undefined }), fc.array(time, { maxLength: 3 }), (joins, leaves, instanceStart, ends) => {
        const endTimes = [...ends].sort((a, b) => a - b);
        const buffer = new PieceBuffer();
        // Small buffers, so growing them is exercised too.
        pairTimes(Float64Array.from(joins), joins.length, Float64Array.from(leaves), leaves.length, instanceStart, endTimes, buffer);
        expect(piecesOf(buffer)).toEqual(pairJoinsAndLeavesOracle(joins, leaves, instanceStart, endTimes));
      }),
      { numRuns: 2000 },
    );
  });

  it("the piece buffer's union (and unionIntervals) equals the oracle's union", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(intervalArb, { maxLength: 10 }), fc.array(intervalArb, { minLength: 33, maxLength: 150 })), (intervals) => {
        const expected = unionIntervalsOracle(intervals);
        const buffer = new PieceBuffer();
        for (const i of intervals) buffer.addInterval(i);
        expect(buffer.union()).toEqual(expected);
        expect(unionIntervals(intervals)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("sortPrefix sorts the prefix stably, like Array.prototype.sort, and leaves the rest alone", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), id: fc.nat() }), { maxLength: 80 }), fc.nat(), (items, cut) => {
        const n = items.length === 0 ? 0 : cut % (items.length + 1);
        const list = [...items];
        const byK = (a: { k: number }, b: { k: number }) => a.k - b.k;
        sortPrefix(list, n, byK);
        expect(list).toEqual([...items.slice(0, n).sort(byK), ...items.slice(n)]);
      }),
      { numRuns: 1000 },
    );
  });
});
