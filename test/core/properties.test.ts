/**
 * Properties the engine promises whatever Zoom throws at it (issue 3): permutation and duplication
 * invariance, incremental = batch, manual links only touch what they resolve, attendance bounded by
 * the instance span, unions never double-count.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeInstance,
  createInstanceState,
  computeInstanceLean,
  type LeanInstanceResult,
  DEFAULT_PRECEDENCE,
  type EngineOptions,
  type InstanceResult,
  type Link,
  type NormalisedEvent,
  type ParticipantEventKind,
  type ParticipantIdentifiers,
} from "../../src/core/index.js";
import { EventColumnsBuilder } from "../../src/core/event-columns.js";
import { MEETING, T0, UUID, min } from "./event-builders.js";

const USERS = ["1", "2", "3", "4", "5", "6", "7", "8"];
const UUIDS = ["P1", "P2", "P3", "P4", "P5"];
const KINDS: ParticipantEventKind[] = ["joined", "left", "joined", "left", "breakout_joined", "breakout_left", "waiting_room_joined", "admitted", "bind", "jbh_joined"];

const identifiersArb: fc.Arbitrary<ParticipantIdentifiers> = fc
  .record(
    {
      userId: fc.constantFrom(...USERS),
      participantUuid: fc.constantFrom(...UUIDS),
      parentUserId: fc.constantFrom(...USERS),
      userName: fc.constantFrom("Ann [rc:a]", "Bob [rc:b]", "Cy", "Dee [rc:zz]"),
      email: fc.constantFrom("ann@example.com", "bob@example.com", "x@example.com"),
      registrantId: fc.constantFrom("reg-a", "reg-b", "reg-x"),
      customerKey: fc.constantFrom("ck-a", "ck-c"),
      zoomUserId: fc.constantFrom("zu-b", "zu-x"),
      // `id` can carry a Zoom user id or, in older data, a registrant id (forum thread 13006).
      id: fc.constantFrom("zu-b", "reg-a", "both-1"),
    },
    { requiredKeys: [] },
  )
  .map((p) => p as ParticipantIdentifiers);

/** Same content ⇒ same key (the content key's contract), so duplicates are true redeliveries. */
function keyed<T extends Omit<NormalisedEvent, "key">>(e: T): NormalisedEvent {
  return { ...e, key: JSON.stringify(e) } as unknown as NormalisedEvent;
}

const base = { accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting" as const, source: "webhook" as const };

const participantArb = fc
  .record({ kind: fc.constantFrom(...KINDS), minute: fc.integer({ min: 0, max: 120 }), who: identifiersArb, bindUser: fc.constantFrom(...USERS) })
  .map(({ kind, minute, who, bindUser }) =>
    keyed({ ...base, type: "participant", kind, at: min(minute), participant: kind === "jbh_joined" ? { userName: who.userName ?? "J" } : who, ...(kind === "bind" ? { boundTo: { userId: bindUser } } : {}) }),
  );

const reportArb = fc
  .record({ from: fc.integer({ min: 0, max: 120 }), length: fc.integer({ min: 0, max: 60 }), who: identifiersArb, waiting: fc.boolean() })
  .map(({ from, length, who, waiting }) =>
    keyed({ ...base, source: "report", type: "report_row", at: min(from), leaveAt: min(from + length), participant: who, status: waiting ? "in_waiting_room" : "in_meeting" }),
  );

const instanceArb = fc
  .record({ kind: fc.constantFrom("started" as const, "ended" as const), minute: fc.integer({ min: 0, max: 150 }) })
  .map(({ kind, minute }) => keyed({ ...base, type: "instance", kind, at: min(minute), meeting: kind === "ended" ? { endTime: min(minute), startTime: T0 } : { startTime: min(minute) } }));

const eventsArb = fc.array(fc.oneof({ weight: 8, arbitrary: participantArb }, { weight: 1, arbitrary: reportArb }, { weight: 1, arbitrary: instanceArb }), { maxLength: 40 });

const LINKS: Link[] = [
  { method: "customer_key", value: "ck-a", userId: "ann" },
  { method: "customer_key", value: "ck-c", userId: "cy" },
  { method: "registrant_id", value: "reg-a", userId: "ann", meetingId: MEETING },
  { method: "registrant_id", value: "reg-b", userId: "bob" },
  { method: "zoom_user_id", value: "zu-b", userId: "bob" },
  // One value linked both ways, to two users: a conflict whatever the order.
  { method: "zoom_user_id", value: "both-1", userId: "cy" },
  { method: "registrant_id", value: "both-1", userId: "ann", meetingId: MEETING },
  { method: "email", value: "Ann@Example.com", userId: "ann" },
  { method: "email", value: "bob@example.com", userId: "bob" },
  { method: "name_token", value: "a", userId: "ann" },
  { method: "name_token", value: "b", userId: "bob" },
];

const optionsArb: fc.Arbitrary<EngineOptions> = fc.record({
  privacy: fc.constantFrom("store" as const, "drop" as const),
  now: fc.constantFrom(undefined, min(200)),
});

/** A shuffle and duplication plan: every event at least once, some twice, in a random order. */
const planArb = (n: number) => fc.tuple(fc.array(fc.nat(Math.max(0, n - 1)), { maxLength: n }), fc.array(fc.nat(), { minLength: 2 * n, maxLength: 2 * n }));

function reorder(events: NormalisedEvent[], [dups, order]: [number[], number[]]): NormalisedEvent[] {
  const all = [...events, ...dups.filter(() => events.length > 0).map((i) => structuredClone(events[i % events.length]!))];
  const keyed = all.map((e, i) => ({ e, k: order[i] ?? i }));
  keyed.sort((a, b) => a.k - b.k);
  return keyed.map((x) => x.e);
}

describe("engine properties", () => {
  it("any permutation of the events, with any duplicated, gives identical output", () => {
    fc.assert(
      fc.property(eventsArb.chain((evs) => fc.tuple(fc.constant(evs), planArb(evs.length), optionsArb)), ([evs, plan, options]) => {
        expect(computeInstance(reorder(evs, plan), LINKS, options)).toEqual(computeInstance(evs, LINKS, options));
      }),
      { numRuns: 400 },
    );
  });

  it("feeding events one at a time (asking for results on the way) equals the batch", () => {
    fc.assert(
      fc.property(eventsArb, optionsArb, (evs, options) => {
        const state = createInstanceState();
        for (const e of evs) {
          state.apply(e);
          state.result(LINKS, options); // results must not disturb the state
        }
        expect(state.result(LINKS, options)).toEqual(computeInstance(evs, LINKS, options));
      }),
      { numRuns: 300 },
    );
  });

  it("the columnar path (batches of columns, each with its own string table) equals the object path", () => {
    fc.assert(
      fc.property(eventsArb.chain((evs) => fc.tuple(fc.constant(evs), planArb(evs.length), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }), optionsArb)), ([evs, plan, cuts, options]) => {
        const stream = reorder(evs, plan);
        const objects = createInstanceState();
        for (const e of stream) objects.apply(e);
        const columns = createInstanceState();
        let batch = new EventColumnsBuilder(2);
        let cut = 0;
        for (const e of stream) {
          if (e.type === "participant" || e.type === "report_row") batch.addEvent(e);
          else columns.apply(e);
          if (batch.length >= cuts[cut % cuts.length]!) {
            columns.applyColumns(batch);
            batch = new EventColumnsBuilder(2);
            cut++;
          }
        }
        columns.applyColumns(batch);
        expect(columns.size).toBe(objects.size);
        expect(columns.result(LINKS, options)).toEqual(objects.result(LINKS, options));
        expect(columns.result(LINKS, options)).toEqual(computeInstance(evs, LINKS, options));
      }),
      { numRuns: 400 },
    );
  });

  it("updates applied one after another give the stored form of the full result, whatever the batches", () => {
    fc.assert(
      fc.property(eventsArb.chain((evs) => fc.tuple(fc.constant(evs), planArb(evs.length), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), optionsArb)), ([evs, plan, cuts, options]) => {
        const stream = reorder(evs, plan);
        const state = createInstanceState();
        // What a store would hold, kept up to date from the updates alone.
        const sessions = new Map<string, unknown>();
        const attendance = new Map<string, unknown>();
        let applied: NormalisedEvent[] = [];
        let cut = 0;
        const check = (): void => {
          const update = state.update(LINKS, options);
          for (const { now } of update.sessions) sessions.set(now.session.sessionKey, { session: now.session, resolution: now.resolution });
          for (const gone of update.goneSessions) sessions.delete(gone.sessionKey);
          for (const { now } of update.attendance) attendance.set(now.userId, { ...now, shareOfInstance: 0 });
          for (const gone of update.goneAttendance) attendance.delete(gone.userId);
          // The stored form: time of open intervals left out (what now: -Infinity gives), span as usual.
          const stored = computeInstance(applied, LINKS, { ...options, now: -Infinity });
          const full = computeInstance(applied, LINKS, options);
          expect(Object.fromEntries(sessions)).toEqual(Object.fromEntries(stored.sessions.map((sess, i) => [sess.sessionKey, { session: sess, resolution: stored.resolutions[i] }])));
          expect(Object.fromEntries(attendance)).toEqual(Object.fromEntries(stored.attendance.map((a) => [a.userId, { ...a, shareOfInstance: 0 }])));
          expect(update.instance).toEqual(full.instance);
        };
        for (const e of stream) {
          state.apply(e);
          applied = [...applied, e];
          if (applied.length % cuts[cut % cuts.length]! === 0) {
            check();
            cut++;
          }
        }
        check();
      }),
      { numRuns: 400 },
    );
  });

  it("an update after an earlier meeting.ended arrives closes what that end closes first", () => {
    const state = createInstanceState();
    const who = { userId: "1", participantUuid: "P1", customerKey: "ck-a" };
    const joined: NormalisedEvent = keyed({ type: "participant", kind: "joined", accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at: min(5), source: "webhook", participant: who });
    const ended = (m: number): NormalisedEvent => keyed({ type: "instance", kind: "ended", accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at: min(m), source: "webhook", meeting: { endTime: min(m) } });
    state.apply(joined);
    state.apply(ended(60));
    expect(state.update(LINKS).attendance.map((a) => a.now.lastLeave)).toEqual([min(60)]);
    state.apply(ended(45)); // Zoom sent meeting.ended twice; the earlier one is when it ended
    const update = state.update(LINKS);
    expect(update.sessions.map((s) => s.now.session.intervals)).toEqual([[{ from: min(5), to: min(45), closedByMeetingEnd: true, openedWithoutJoin: false }]]);
    expect(update.attendance.map((a) => [a.now.lastLeave, a.before?.lastLeave])).toEqual([[min(45), min(60)]]);
  });

  it("an update after the instance's start arrives moves a leave without its join even where another interval covered it", () => {
    const state = createInstanceState();
    const at = (m: number) => min(m);
    const p = (kind: ParticipantEventKind, m: number, who: ParticipantIdentifiers, extra: object = {}): NormalisedEvent =>
      keyed({ type: "participant", kind, accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at: at(m), source: "webhook", participant: who, ...extra } as Omit<NormalisedEvent, "key">);
    // A computer (P1) joins at 1m; its phone leg's leave (user 6) came without its join; the bind ties them.
    for (const e of [p("joined", 1, { participantUuid: "P1" }), p("left", 1, { userId: "6" }), p("bind", 0, { participantUuid: "P1" }, { boundTo: { userId: "6" } })]) state.apply(e);
    expect(state.update([]).sessions.map((s) => s.now.session.intervals[0]!.from)).toEqual([at(1)]);
    state.apply(keyed({ type: "instance", kind: "started", accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at: at(0), source: "webhook", meeting: { startTime: at(0) } }));
    // Now the leave's piece opens at the start, and the union with it starts there too.
    expect(state.update([]).sessions.map((s) => s.now.session.intervals[0])).toEqual([{ from: at(0), closedByMeetingEnd: false, openedWithoutJoin: true }]);
  });

  it("the lean result says what the full result says, whatever the order, and asking for one never disturbs the other", () => {
    fc.assert(
      fc.property(eventsArb.chain((evs) => fc.tuple(fc.constant(evs), planArb(evs.length), fc.boolean(), optionsArb)), ([evs, plan, manual, options]) => {
        const first = computeInstance(evs, LINKS, options).sessions[0]?.sessionKey;
        const links: Link[] = manual && first !== undefined ? [...LINKS, { method: "manual", instanceUuid: UUID, sessionKey: first, userId: "zz-manual" }] : LINKS;
        const state = createInstanceState();
        for (const e of reorder(evs, plan)) {
          state.apply(e);
          state.lean(links, options);
        }
        const lean = state.lean(links, options);
        const full = state.result(links, options);
        expect(full).toEqual(computeInstance(evs, links, options));
        expect(lean).toEqual(computeInstanceLean(evs, links, options));
        expect(withoutNames(lean)).toEqual(leanOf(full));
        // The latest name: the one unresolved sessions report, and one of the session's names.
        full.sessions.forEach((s, i) => {
          const name = lean.sessions[i]!.userName;
          if (name === undefined) expect(s.names).toEqual([]);
          else expect(s.names).toContain(name);
        });
        for (const u of full.unresolved) expect(lean.sessions.find((s) => s.sessionKey === u.sessionKey)!.userName).toBe(u.userName);
      }),
      { numRuns: 400 },
    );
  });

  it("adding a manual link afterwards changes only the session it resolves", () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), optionsArb, (evs, pick, options) => {
        const before = computeInstance(evs, LINKS, options);
        fc.pre(before.sessions.length > 0);
        const target = before.sessions[pick % before.sessions.length]!.sessionKey;
        const after = computeInstance(evs, [...LINKS, { method: "manual", instanceUuid: UUID, sessionKey: target, userId: "zz-manual" }], options);
        expect(after.sessions).toEqual(before.sessions);
        expect(after.instance).toEqual(before.instance);
        for (let i = 0; i < before.resolutions.length; i++) {
          const r = after.resolutions[i]!;
          if (r.sessionKey === target) expect(r).toMatchObject({ userId: "zz-manual", method: "manual" });
          else expect(r).toEqual(before.resolutions[i]);
        }
        const previousUser = before.resolutions.find((r) => r.sessionKey === target)!.userId;
        const untouched = (res: InstanceResult) => res.attendance.filter((a) => a.userId !== previousUser && a.userId !== "zz-manual");
        expect(untouched(after)).toEqual(untouched(before));
        expect(after.unresolved).toEqual(before.unresolved.filter((u) => u.sessionKey !== target));
      }),
      { numRuns: 300 },
    );
  });

  it("attendance never exceeds the instance span and unions never double-count", () => {
    fc.assert(
      fc.property(eventsArb, (evs) => {
        const now = min(200);
        const result = computeInstance(evs, LINKS, { now });
        const span = (result.instance.spanTo ?? 0) - (result.instance.spanFrom ?? 0);
        for (const s of result.sessions) {
          expect(s.attendedMs).toBeLessThanOrEqual(span);
          expect(s.attendedMs).toBe(bruteForceMinutes(s.intervals, now) * 60_000);
        }
        for (const a of result.attendance) {
          const sessions = result.sessions.filter((s) => a.sessionKeys.includes(s.sessionKey));
          expect(a.attendedMs).toBeLessThanOrEqual(span);
          expect(a.shareOfInstance).toBeLessThanOrEqual(1);
          expect(a.attendedMs).toBe(bruteForceMinutes(sessions.flatMap((s) => s.intervals), now) * 60_000);
          expect(a.attendedMs).toBeLessThanOrEqual(sessions.reduce((t, s) => t + s.attendedMs, 0));
          expect(a.attendedMs).toBeGreaterThanOrEqual(Math.max(...sessions.map((s) => s.attendedMs)));
          expect(a.sessions).toBe(sessions.length);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("resolvedBy is always an identity method, and source is where that user's evidence came from", () => {
    fc.assert(
      fc.property(eventsArb, fc.boolean(), optionsArb, (evs, manual, options) => {
        const first = computeInstance(evs, LINKS, options).sessions[0]?.sessionKey;
        const links: Link[] = manual && first !== undefined ? [...LINKS, { method: "manual", instanceUuid: UUID, sessionKey: first, userId: "zz-manual" }] : LINKS;
        const result = computeInstance(evs, links, options);
        for (const a of result.attendance) {
          expect(DEFAULT_PRECEDENCE).toContain(a.resolvedBy);
          const evidence = result.resolutions.filter((r) => r.userId === a.userId).flatMap((r) => r.evidence);
          const expected = evidence.some((e) => e.source === "link") ? "manual" : evidence.some((e) => e.source === "webhook") ? "webhook" : "report";
          expect(a.source).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Minutes covered by at least one interval, counted one minute at a time (all test times are whole minutes). */
function bruteForceMinutes(intervals: readonly { from: number; to?: number }[], now: number): number {
  let covered = 0;
  for (let m = min(-60); m < min(300); m += 60_000) {
    if (intervals.some((i) => i.from <= m && m < (i.to ?? Math.max(now, i.from)))) covered++;
  }
  return covered;
}

/** The full result's figures in the lean shape (latest names aside: the full result keeps them only for unresolved sessions). */
function leanOf(result: InstanceResult): LeanInstanceResult {
  const sessions = result.sessions.map((s, i) => {
    const r = result.resolutions[i]!;
    expect(r.sessionKey).toBe(s.sessionKey);
    const open = s.intervals.some((x) => x.to === undefined);
    const leaves = s.intervals.flatMap((x) => (x.to === undefined ? [] : [x.to]));
    return {
      sessionKey: s.sessionKey,
      ...(s.participantUuid !== undefined ? { participantUuid: s.participantUuid } : {}),
      firstJoin: Math.min(...s.intervals.map((x) => x.from)),
      ...(!open && leaves.length > 0 ? { lastLeave: Math.max(...leaves) } : {}),
      attendedMs: s.attendedMs,
      present: s.present,
      source: s.source,
      ...(r.userId !== undefined ? { userId: r.userId, method: r.method } : { unresolvedReason: r.unresolvedReason }),
      confidence: r.confidence,
    };
  });
  const attendance = result.attendance.map(({ intervals: _intervals, sessionKeys: _keys, ...rest }) => rest);
  return { instance: result.instance, sessions, attendance, unresolved: result.unresolved };
}

function withoutNames(lean: LeanInstanceResult): LeanInstanceResult {
  return { ...lean, sessions: lean.sessions.map(({ userName: _name, ...rest }) => rest) };
}
