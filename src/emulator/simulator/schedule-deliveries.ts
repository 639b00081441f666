import type { DeliveryFaults } from "../scenarios/scenario-schema.js";
import type { Random } from "./random.js";
import type { ScheduledDelivery, WebhookBody } from "./simulation-types.js";

/** One event Zoom produced, with the delivery faults its scenario step asked for. */
export interface Occurrence {
  seq: number;
  body: WebhookBody;
  faults?: DeliveryFaults;
}

/**
 * Turns produced events into deliveries: each goes out a little after its `event_ts` (network
 * latency), then the scenario's faults apply — extra delay, duplicates later on, held back until
 * after `meeting.ended`, or never sent at all.
 *
 * @returns deliveries sorted by time (then production order) and the dropped ones.
 */
export function scheduleDeliveries(
  occurrences: readonly Occurrence[],
  random: Random,
): { deliveries: ScheduledDelivery[]; dropped: ScheduledDelivery[] } {
  const deliveries: ScheduledDelivery[] = [];
  const dropped: ScheduledDelivery[] = [];
  const held: { occurrence: Occurrence; base: number }[] = [];
  let firstEndedAt: number | undefined;

  for (const occurrence of occurrences) {
    const { body, faults, seq } = occurrence;
    const base = body.event_ts + random.int(40, 900) + (faults?.delay ?? 0) * 1000;
    const delivery: ScheduledDelivery = { seq, at: base, event: body.event, body };
    if (faults?.delay) delivery.note = `delayed ${faults.delay}s`;
    if (faults?.drop) {
      dropped.push({ ...delivery, note: "dropped by the scenario" });
      continue;
    }
    if (faults?.holdUntilEnd) {
      held.push({ occurrence, base });
      continue;
    }
    if (firstEndedAt === undefined && body.event.endsWith(".ended")) firstEndedAt = base;
    deliveries.push(delivery);
    for (const after of faults?.duplicates ?? []) {
      deliveries.push({ ...delivery, at: base + after * 1000, note: `duplicate, ${after}s after the original` });
    }
  }
  // Held events come right after the first meeting.ended, in production order.
  const endAt = firstEndedAt ?? Math.max(0, ...deliveries.map((d) => d.at));
  held.forEach(({ occurrence }, i) => {
    const at = endAt + 1000 + i * 250;
    deliveries.push({ seq: occurrence.seq, at, event: occurrence.body.event, body: occurrence.body, note: "held until after meeting.ended" });
    for (const after of occurrence.faults?.duplicates ?? []) {
      deliveries.push({ seq: occurrence.seq, at: at + after * 1000, event: occurrence.body.event, body: occurrence.body, note: `duplicate, ${after}s after the original` });
    }
  });
  deliveries.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return { deliveries, dropped };
}
