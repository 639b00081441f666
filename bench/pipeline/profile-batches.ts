/**
 * In-memory profile of the pipeline's per-batch work on the 10k webinar (no database, no HTTP):
 * normalise, apply, the engine's update, row mapping, and how many rows change per batch. Helps
 * decide where a batch's time goes.
 *
 *   node --import tsx bench/pipeline/profile-batches.ts [batchSize]
 */
import { createInstanceState } from "../../src/core/index.js";
import { normaliseInboxBody } from "../../src/zoom/events/normalise-inbox-body.js";
import { rowChangesOfUpdate } from "../../src/store/derived/index.js";
import { webinarStream } from "./webinar-stream.js";

const participants = Number(process.env["BENCH_PARTICIPANTS"] ?? 10_000);
const batchSize = Number(process.argv[2] ?? 500);
const { bodies, links } = webinarStream({ participants, seed: 2026 });
const raw = bodies.map((b) => JSON.stringify(b));
const state = createInstanceState();
const t = { parse: 0, apply: 0, update: 0, rows: 0 };
let changedTotal = 0;
let batches = 0;
const lap = (k: keyof typeof t, started: number) => (t[k] += performance.now() - started);
for (let i = 0; i < raw.length; i += batchSize) {
  let s = performance.now();
  const events = raw.slice(i, i + batchSize).map((r) => normaliseInboxBody(JSON.parse(r), {}));
  lap("parse", s);
  s = performance.now();
  for (const e of events) if (e.status === "event") state.apply(e.event);
  lap("apply", s);
  s = performance.now();
  const update = state.update(links, {});
  lap("update", s);
  s = performance.now();
  const changes = rowChangesOfUpdate("BENCHacct", update);
  lap("rows", s);
  const changed = changes.sessions.length + changes.goneSessions.length + changes.attendance.length + changes.goneAttendance.length;
  changedTotal += changed;
  batches++;
  if (batches % 10 === 0) console.log(`batch ${batches}: ${update.sessions.length} sessions changed, ${changed} rows changed`);
}
console.log(`${raw.length} bodies, ${batches} batches of ${batchSize}; ms per batch:`, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v / batches)])), `rows changed per batch ${Math.round(changedTotal / batches)}`);
