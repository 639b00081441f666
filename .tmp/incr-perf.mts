import { createInstanceState, EventColumnsBuilder, buildLinkIndex, type Link } from "../src/core/index.js";
import { normaliseInboxBodyInto } from "../src/zoom/events/normalise-inbox-body.js";
import { webinarPlan } from "../bench/webinar/webinar-plan.js";
const plan = webinarPlan({ attendees: Number(process.argv[2] ?? 100000), seed: 24 });
const links: Link[] = [];
for (const u of plan.users) {
  for (const r of u.registrants ?? []) links.push({ method: "registrant_id", value: r.registrantId, meetingId: r.meetingId, userId: u.externalId });
  for (const k of u.customerKeys ?? []) links.push({ method: "customer_key", value: k, userId: u.externalId });
  for (const z of u.zoomUserIds ?? []) links.push({ method: "zoom_user_id", value: z, userId: u.externalId });
}
const index = buildLinkIndex(links);
const state = createInstanceState();
const batch = Number(process.argv[3] ?? 2000);
let times: number[] = [];
let fullTimes: number[] = [];
let changedRows = 0;
const t0 = performance.now();
for (let i = 0; i < plan.bodies.length; i += batch) {
  const cols = new EventColumnsBuilder(batch);
  for (const body of plan.bodies.slice(i, i + batch)) {
    const r = normaliseInboxBodyInto(JSON.parse(JSON.stringify(body)), () => cols);
    if (r.status === "event") state.apply(r.event);
  }
  state.applyColumns(cols);
  const t = performance.now();
  const u = state.update(index);
  times.push(performance.now() - t);
  changedRows += u.sessions.length + u.attendance.length + u.goneSessions.length + u.goneAttendance.length;
  if (i % (batch * 20) === 0) { const f = performance.now(); state.lean(index); fullTimes.push(performance.now() - f); }
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ events: plan.bodies.length, batches: times.length, updateP50: times[times.length >> 1]!.toFixed(1), updateP99: times[Math.floor(times.length * 0.99)]!.toFixed(1), updateMax: times.at(-1)!.toFixed(1), updateTotalS: (times.reduce((a, b) => a + b, 0) / 1000).toFixed(2), leanSamplesMs: fullTimes.map((x) => Math.round(x)), changedRows, totalS: ((performance.now() - t0) / 1000).toFixed(1), heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
