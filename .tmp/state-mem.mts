import { createInstanceState, EventColumnsBuilder } from "../src/core/index.js";
import { normaliseInboxBodyInto } from "../src/zoom/events/normalise-inbox-body.js";
import { webinarPlan } from "../bench/webinar/webinar-plan.js";
const plan = webinarPlan({ attendees: 100000, seed: 24 });
const state = createInstanceState();
for (let i = 0; i < plan.bodies.length; i += 2000) {
  const cols = new EventColumnsBuilder(2000);
  for (const body of plan.bodies.slice(i, i + 2000)) {
    const r = normaliseInboxBodyInto(JSON.parse(JSON.stringify(body)), () => cols);
    if (r.status === "event") state.apply(r.event);
  }
  state.applyColumns(cols);
}
(plan as any).bodies = null; (plan as any).users = null; (plan as any).truth = null;
globalThis.gc?.(); globalThis.gc?.();
console.log(JSON.stringify({ stateHeapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), size: state.size }));
