import { Random } from "../simulator/random.js";
import type { ScheduledDelivery } from "../simulator/simulation-types.js";

/** Kinds of delivery trouble `applyChaos` can add. */
export const CHAOS_KINDS = ["duplicate", "reorder", "delay", "drop"] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];

/** Options of {@link applyChaos}. */
export interface ChaosOptions {
  kinds: readonly ChaosKind[];
  seed: number;
  /** Probability that one delivery is affected by each kind. Default 0.1. */
  rate?: number;
}

// Zoom's redeliveries come 5, 25 and 85 minutes after the first attempt.
const REDELIVERY_OFFSETS_MS = [5 * 60_000, 25 * 60_000, 85 * 60_000];

/**
 * Perturbs a delivery schedule reproducibly (same seed, same result): `drop` removes deliveries,
 * `delay` pushes some back by 5 s to 10 min, `reorder` swaps the times of neighbouring deliveries,
 * `duplicate` sends some twice (seconds later or at Zoom's retry offsets). Bodies are never changed.
 *
 * @returns the new schedule (sorted by time) and the deliveries that were dropped
 */
export function applyChaos(
  deliveries: readonly ScheduledDelivery[],
  options: ChaosOptions,
): { deliveries: ScheduledDelivery[]; dropped: ScheduledDelivery[] } {
  for (const kind of options.kinds) {
    if (!(CHAOS_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`chaos: expected any of ${CHAOS_KINDS.join(", ")}, got "${kind}"`);
    }
  }
  const rate = options.rate ?? 0.1;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`chaos rate: expected a probability between 0 and 1, got ${rate}`);
  const kinds = new Set(options.kinds);
  // One stream per kind, so enabling one kind does not change what another does.
  const root = new Random(options.seed);
  const random = { drop: root.fork("drop"), delay: root.fork("delay"), reorder: root.fork("reorder"), duplicate: root.fork("duplicate") };

  let out = deliveries.map((d) => ({ ...d }));
  const dropped: ScheduledDelivery[] = [];
  if (kinds.has("drop")) {
    out = out.filter((d) => {
      if (!random.drop.chance(rate)) return true;
      dropped.push({ ...d, note: "dropped by chaos" });
      return false;
    });
  }
  if (kinds.has("delay")) {
    for (const d of out) {
      if (!random.delay.chance(rate)) continue;
      const extra = random.delay.int(5_000, 600_000);
      d.at += extra;
      d.note = `delayed ${Math.round(extra / 1000)}s by chaos`;
    }
  }
  out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  if (kinds.has("reorder")) {
    for (let i = 0; i + 1 < out.length; i++) {
      if (!random.reorder.chance(rate)) continue;
      const a = out[i]!;
      const b = out[i + 1]!;
      // Swap times, then nudge so the later-produced one really goes first.
      [a.at, b.at] = [b.at, a.at];
      if (a.at === b.at) a.at += 1;
      a.note = "reordered by chaos";
      b.note = "reordered by chaos";
      [out[i], out[i + 1]] = [b, a];
      i++; // a delivery takes part in one swap at most
    }
  }
  if (kinds.has("duplicate")) {
    const copies: ScheduledDelivery[] = [];
    for (const d of out) {
      if (!random.duplicate.chance(rate)) continue;
      const after = random.duplicate.chance(0.5) ? random.duplicate.int(200, 30_000) : random.duplicate.pick(REDELIVERY_OFFSETS_MS);
      copies.push({ ...d, at: d.at + after, note: `duplicated by chaos, ${Math.round(after / 1000)}s later` });
    }
    out.push(...copies);
  }
  out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return { deliveries: out, dropped };
}
