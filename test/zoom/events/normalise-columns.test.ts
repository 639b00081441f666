/**
 * The columnar normaliser writes exactly the rows the object normaliser's events make, and returns
 * every other outcome unchanged: on every capture, on generated meeting traffic (breakouts, waiting
 * rooms, duplicates), on bodies with one field replaced or removed, under each privacy mode.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventColumnsBuilder, type EventColumns } from "../../../src/core/index.js";
import { normaliseZoomEvent, normaliseZoomEventInto, type NormaliseOptions } from "../../../src/zoom/events/index.js";
import { generateInstance } from "../../../bench/engine/generate.js";
import { loadCaptures } from "./captures.js";

/** Every row with its strings resolved, so two batches with different string tables compare. */
function rowsOf(c: EventColumns): unknown[] {
  const s = (id: number) => (id === -1 ? undefined : c.strings[id]);
  const rows = [];
  for (let i = 0; i < c.length; i++) {
    rows.push({
      kind: c.kind[i],
      at: c.at[i],
      leaveAt: Number.isNaN(c.leaveAt[i]!) ? "NaN" : c.leaveAt[i],
      source: c.source[i],
      product: c.product[i],
      key: c.key[i],
      instanceUuid: s(c.instanceUuid[i]!),
      accountId: s(c.accountId[i]!),
      meetingId: s(c.meetingId[i]!),
      userId: s(c.userId[i]!),
      participantUuid: s(c.participantUuid[i]!),
      parentUserId: s(c.parentUserId[i]!),
      userName: s(c.userName[i]!),
      email: s(c.email[i]!),
      zoomUserId: s(c.zoomUserId[i]!),
      id: s(c.id[i]!),
      registrantId: s(c.registrantId[i]!),
      customerKey: s(c.customerKey[i]!),
      bound: c.bound[i],
      boundUserId: s(c.boundUserId[i]!),
      boundUuid: s(c.boundUuid[i]!),
    });
  }
  return rows;
}

function bothWays(bodies: unknown[], options: NormaliseOptions) {
  const viaObjects = new EventColumnsBuilder(4);
  const viaColumns = new EventColumnsBuilder(4);
  const othersA: unknown[] = [];
  const othersB: unknown[] = [];
  for (const body of bodies) {
    const a = normaliseZoomEvent(body, options);
    if (a.status === "event" && a.event.type === "participant") viaObjects.addEvent(a.event);
    else othersA.push(a);
    const b = normaliseZoomEventInto(body, viaColumns, options);
    if (b.status !== "row") othersB.push(b);
  }
  return { expected: { rows: rowsOf(viaObjects), others: othersA }, actual: { rows: rowsOf(viaColumns), others: othersB } };
}

const captures = loadCaptures().map((c) => c.body);
const generated = generateInstance({ participants: 60, seed: 3 }).bodies;
const modes: NormaliseOptions[] = [{ privacy: "store" }, { privacy: "hash", hashKey: "k".repeat(32) }, { privacy: "drop" }];

describe("normaliseZoomEventInto", () => {
  it.each(modes.map((m) => [m.privacy, m]))("gives the object normaliser's rows and results on captures and generated traffic (privacy %s)", (_mode, options) => {
    const { expected, actual } = bothWays([...captures, ...generated], options as NormaliseOptions);
    expect((expected.rows as unknown[]).length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });

  it("agrees on bodies with one field replaced or removed", () => {
    const weird = fc.oneof(fc.constantFrom(null, "", 0, 1.5, Number.NaN, true, [], {}, "2026-04-03T17:06:25Z", "x"), fc.jsonValue());
    const seeds = [...captures, ...generated.slice(0, 40)];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(), weird, fc.boolean(), (i, pick, replacement, remove) => {
        const body = structuredClone(seeds[i]) as { payload?: { object?: { participant?: Record<string, unknown> } } };
        const participant = body.payload?.object?.participant;
        if (participant !== undefined) {
          const keys = Object.keys(participant);
          const key = keys[pick % Math.max(1, keys.length)] ?? "user_id";
          if (remove) delete participant[key];
          else participant[key] = replacement;
        }
        const { expected, actual } = bothWays([body], { privacy: "store" });
        expect(actual).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("normaliseZoomEventInto with a target per instance", () => {
  it("asks for each row's account and instance and writes the row there, as the object normaliser would", () => {
    const bodies = [...captures, ...generated];
    const perInstance = new Map<string, EventColumnsBuilder>();
    const target = (accountId: string, instanceUuid: string) => {
      const key = `${accountId}|${instanceUuid}`;
      let columns = perInstance.get(key);
      if (columns === undefined) perInstance.set(key, (columns = new EventColumnsBuilder(4)));
      return columns;
    };
    const expected = new Map<string, EventColumnsBuilder>();
    for (const body of bodies) {
      normaliseZoomEventInto(body, target, {});
      const a = normaliseZoomEvent(body, {});
      if (a.status !== "event" || a.event.type !== "participant") continue;
      const key = `${a.event.accountId}|${a.event.instanceUuid}`;
      if (!expected.has(key)) expected.set(key, new EventColumnsBuilder(4));
      expected.get(key)!.addEvent(a.event);
    }
    expect(perInstance.size).toBeGreaterThan(3);
    expect([...perInstance.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, columns] of perInstance) expect(rowsOf(columns)).toEqual(rowsOf(expected.get(key)!));
  });
});
