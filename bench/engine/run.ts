/**
 * `npm run bench:engine`: measures on one core, on the columnar path (the normaliser writes
 * participant events as rows of `EventColumns`, the state takes them with `applyColumns`)
 * - the core alone (sessions + identity + attendance from normalised columns, as the lean result:
 *   `InstanceState.lean`), target ≥ 1,000,000 events/s; the full result with every per-session
 *   detail (`result()`) is measured beside it;
 * - normalisation from parsed JSON into columns, target ≥ 300,000 events/s;
 * - the whole batch (normalise + core) for 100,000 events, target < 200 ms;
 * each against baselines measured in the same run: a trivial pass over the same data (reading each
 * event's key and time into a Set; reading the input columns; the same plus only the hash-map work
 * no implementation avoids), so the ratio says how far from "just touching the data" we are, and
 * the object path (one `NormalisedEvent` per event) as before.
 * The last line is one JSON object of figures.
 *
 * Figures use CPU time of this process (run with `--single-threaded-gc`, so GC work is on the same
 * core and counted): the machine is shared, and wall time mostly measures the neighbours. Wall-clock
 * medians are printed too.
 */
import { buildLinkIndex, computeInstance, createInstanceState, EventColumnsBuilder, type EventColumns, type LinkIndex, type NormalisedEvent } from "../../src/core/index.js";
import { normaliseZoomEvent, normaliseZoomEventInto } from "../../src/zoom/events/index.js";
import { generateInstance } from "./generate.js";
import { median } from "../support/bench-helpers.js";

const participants = Number(process.env["BENCH_PARTICIPANTS"] ?? 10_000);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 7);


const wall: Record<string, number[]> = {};
/** CPU milliseconds (user + system) spent in `fn`; the wall time is recorded under `label`. */
function time(label: string, fn: () => void): number {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  (wall[label] ??= []).push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const { bodies, links } = generateInstance({ participants, seed: 42 });
const index = buildLinkIndex(links);

// Exactly 100,000 bodies for the batch figure: a slightly larger instance, cut (arrival order is shuffled).
const batchBodies = generateInstance({ participants: Math.ceil(participants * 1.2), seed: 7 }).bodies.slice(0, 100_000);

const events: NormalisedEvent[] = [];
for (const body of bodies) {
  const r = normaliseZoomEvent(body);
  if (r.status !== "event") throw new Error(`generator produced an unusable body: ${JSON.stringify(r)}`);
  events.push(r.event);
}

/** Bodies → columns (participant events) + the other events as objects. */
function normaliseColumns(input: unknown[]): { columns: EventColumnsBuilder; others: NormalisedEvent[] } {
  const columns = new EventColumnsBuilder(input.length);
  const others: NormalisedEvent[] = [];
  for (const b of input) {
    const r = normaliseZoomEventInto(b, columns);
    if (r.status === "event") others.push(r.event);
  }
  return { columns, others };
}

function stateOf(input: { columns: EventColumns; others: NormalisedEvent[] }) {
  const state = createInstanceState();
  for (const e of input.others) state.apply(e);
  state.applyColumns(input.columns);
  return state;
}

function computeColumns(input: { columns: EventColumns; others: NormalisedEvent[] }, links: LinkIndex) {
  return stateOf(input).result(links, {});
}

function leanColumns(input: { columns: EventColumns; others: NormalisedEvent[] }, links: LinkIndex) {
  return stateOf(input).lean(links, {});
}

const normalised = normaliseColumns(bodies);

let sink = 0;
const readColumns: number[] = [];
const hashFloor: number[] = [];
// Every link value in one map: the floor's stand-in for the engine's link lookups.
const linkValues = new Map<string, string>();
for (const link of links) if (link.method !== "manual") linkValues.set(link.value, link.userId);
const objectCore: number[] = [];
const objectNorm: number[] = [];
const baselineCore: number[] = [];
const core: number[] = [];
const coreFull: number[] = [];
const applyOnly: number[] = [];
const batchFull: number[] = [];
const baselineNorm: number[] = [];
const norm: number[] = [];
const batch: number[] = [];
for (let round = 0; round < rounds; round++) {
  baselineCore.push(
    time("baselineCore", () => {
      const seen = new Set<string>();
      let acc = 0;
      for (const e of events) {
        seen.add(e.key);
        acc += e.at;
      }
      sink += acc + seen.size;
    }),
  );
  readColumns.push(
    time("readColumns", () => {
      const c = normalised.columns;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += c.at[i]! + c.kind[i]! + c.userId[i]! + c.participantUuid[i]! + c.userName[i]! + c.email[i]! + c.registrantId[i]! + c.customerKey[i]! + c.key[i]!.length;
      sink += acc;
    }),
  );
  applyOnly.push(
    time("applyOnly", () => {
      sink += stateOf(normalised).size;
    }),
  );
  hashFloor.push(
    time("hashFloor", () => {
      // The hash-map work the engine cannot avoid: one entry per connection (user_id, else
      // participant_uuid) and one link lookup per identifier value; nothing else.
      const c = normalised.columns;
      const s = c.strings;
      const connections = new Map<string, number>();
      let hits = 0;
      for (let i = 0; i < c.length; i++) {
        const id = c.userId[i] !== -1 ? c.userId[i]! : c.participantUuid[i]!;
        if (id !== -1 && connections.get(s[id]!) === undefined) connections.set(s[id]!, i);
        if (c.customerKey[i] !== -1 && linkValues.has(s[c.customerKey[i]!]!)) hits++;
        if (c.registrantId[i] !== -1 && linkValues.has(s[c.registrantId[i]!]!)) hits++;
        if (c.email[i] !== -1 && linkValues.has(s[c.email[i]!]!)) hits++;
        if (c.userName[i] !== -1 && linkValues.has(s[c.userName[i]!]!)) hits++;
      }
      sink += hits + connections.size;
    }),
  );
  core.push(
    time("core", () => {
      const r = leanColumns(normalised, index);
      sink += r.sessions.length;
    }),
  );
  coreFull.push(
    time("coreFull", () => {
      const r = computeColumns(normalised, index);
      sink += r.sessions.length;
    }),
  );
  objectCore.push(
    time("objectCore", () => {
      const r = computeInstance(events, index, {});
      sink += r.sessions.length;
    }),
  );
  baselineNorm.push(
    time("baselineNorm", () => {
      let acc = 0;
      for (const b of bodies) {
        const o = (b as { payload: { object: { uuid: string; participant?: { user_id?: string } } } }).payload.object;
        acc += o.uuid.length + (o.participant?.user_id?.length ?? 0);
      }
      sink += acc;
    }),
  );
  norm.push(
    time("norm", () => {
      sink += normaliseColumns(bodies).columns.length;
    }),
  );
  objectNorm.push(
    time("objectNorm", () => {
      for (const b of bodies) if (normaliseZoomEvent(b).status === "event") sink++;
    }),
  );
  // Alternating which goes first, so neither always pays for the garbage the rounds before left.
  const batchRuns = [
    () => batch.push(time("batch", () => (sink += leanColumns(normaliseColumns(batchBodies), index).attendance.length))),
    () => batchFull.push(time("batchFull", () => (sink += computeColumns(normaliseColumns(batchBodies), index).attendance.length))),
  ];
  if (round % 2 === 1) batchRuns.reverse();
  for (const run of batchRuns) run();
}

const result = computeInstance(events, index, {});
if (JSON.stringify(computeColumns(normalised, index)) !== JSON.stringify(result)) throw new Error("the columnar and object paths disagree");
if (JSON.stringify(leanColumns(normalised, index).attendance) !== JSON.stringify(result.attendance.map(({ intervals: _i, sessionKeys: _k, ...rest }) => rest))) throw new Error("the lean and the full result disagree");
const coreMs = median(core);
const normMs = median(norm);
const figures = {
  eventsPerSecond: Math.round(events.length / (coreMs / 1000)),
  normalisePerSecond: Math.round(bodies.length / (normMs / 1000)),
  batch100kMs: Math.round(median(batch) * 10) / 10,
  eventsPerSecondFull: Math.round(events.length / (median(coreFull) / 1000)),
  batch100kMsFull: Math.round(median(batchFull) * 10) / 10,
};
console.log(`instance: ${bodies.length} bodies, ${participants} participants, ${result.sessions.length} sessions, ${result.attendance.length} users attended, ${result.unresolved.length} unresolved`);
const w = (label: string) => median(wall[label]!).toFixed(1);
const best = (xs: number[]) => Math.min(...xs).toFixed(1);
console.log(`best rounds (least disturbed by neighbours): core ${best(core)} ms CPU, normalise ${best(norm)} ms CPU, batch ${best(batch)} ms CPU`);
console.log(`core (lean result): ${coreMs.toFixed(1)} ms CPU (median of ${rounds}; wall ${w("core")} ms) for ${events.length} events; baseline pass ${median(baselineCore).toFixed(1)} ms CPU (wall ${w("baselineCore")}); ratio core/baseline ${(coreMs / median(baselineCore)).toFixed(1)}x`);
console.log(`  of which applying the columns to a state: ${median(applyOnly).toFixed(1)} ms CPU (best ${best(applyOnly)}); full result with every detail instead of the lean one: ${median(coreFull).toFixed(1)} ms CPU (best ${best(coreFull)})`);
console.log(`normalise: ${normMs.toFixed(1)} ms CPU (wall ${w("norm")} ms) for ${bodies.length} bodies; baseline pass ${median(baselineNorm).toFixed(1)} ms CPU (wall ${w("baselineNorm")}); ratio ${(normMs / median(baselineNorm)).toFixed(1)}x`);
console.log(`object path (one NormalisedEvent per event): core ${median(objectCore).toFixed(1)} ms CPU (best ${best(objectCore)}), normalise ${median(objectNorm).toFixed(1)} ms CPU (best ${best(objectNorm)})`);
console.log(`floor: reading the input columns once ${median(readColumns).toFixed(1)} ms CPU (best ${best(readColumns)}) for ${normalised.columns.length} rows; with the hash-map work alone (a map entry per connection, a link lookup per identifier) ${median(hashFloor).toFixed(1)} ms CPU (best ${best(hashFloor)})`);
console.log(`batch of ${batchBodies.length} (normalise + core): ${figures.batch100kMs} ms CPU (wall ${w("batch")} ms); with the full result ${figures.batch100kMsFull} ms CPU`);
console.log(`targets: core >= 1,000,000/s ${figures.eventsPerSecond >= 1e6 ? "met" : "MISSED"}; normalise >= 300,000/s ${figures.normalisePerSecond >= 3e5 ? "met" : "MISSED"}; batch < 200 ms ${figures.batch100kMs < 200 ? "met" : "MISSED"}`);
if (sink === -1) console.log("");
console.log(JSON.stringify(figures));
