import type { EngineOptions } from "./engine-options.js";
import { EngineState } from "./engine-state.js";
import type { InstanceResult } from "./instance-result.js";
import type { InstanceUpdate, UpdateOptions } from "./instance-update.js";
import type { LeanInstanceResult } from "./lean-result.js";
import type { Link } from "./link.js";
import type { LinkIndex } from "./link-index.js";
import type { EventColumns } from "./event-columns.js";
import type { NormalisedEvent } from "./normalised-event.js";

/**
 * The engine's incremental form: feed events one at a time or as columns (any order, duplicates
 * welcome), ask for a result whenever needed. Applying is O(1) per event; `result` is O(events of
 * the instance). The output is identical to `computeInstance` over the same events, because the
 * state keeps only order-independent facts (each distinct event once, as a row of columns chained
 * per connection; min/max times) and derives the rest in `result`.
 */
export interface InstanceState {
  /** Adds one event; returns false when it was a duplicate (same `key`) or a registration (meeting-level). */
  apply(event: NormalisedEvent): boolean;
  /**
   * Adds every row of `columns` (participant events and report rows; instance events go to
   * `apply`), without an object per event. Returns how many were new (not duplicates).
   */
  applyColumns(columns: EventColumns): number;
  /** Sessions, resolutions and attendance for the events applied so far, with every detail. */
  result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult;
  /**
   * The same figures without the per-session detail (identifiers, evidence, conflicts, intervals):
   * what attendance readers need, at a fraction of the cost of {@link result}.
   */
  lean(links: readonly Link[] | LinkIndex, options?: EngineOptions): LeanInstanceResult;
  /**
   * What changed since the previous update, in the stored form (open time not counted: see
   * {@link InstanceUpdate}): sessions and users whose rows changed, with their previous values,
   * and those gone. Costs what changed (the sessions the new events touched and their users), not
   * the whole instance; the first update, and one with `everything`, covers every session.
   */
  update(links: readonly Link[] | LinkIndex, options?: UpdateOptions): InstanceUpdate;
  /** Number of distinct events applied. */
  readonly size: number;
  /** Whether the instance has ended (a `meeting.ended`, or an end from a report). */
  readonly ended: boolean;
}

/**
 * Creates an empty {@link InstanceState}. All events must belong to one instance (`instanceUuid`);
 * applying one of another instance throws, since mixing them is a caller bug.
 *
 * @example
 * declare const bodies: AsyncIterable<unknown>; // parsed Zoom webhook bodies of one instance, as they arrive
 * const links: Link[] = [{ method: "customer_key", value: "ck-1", userId: "user-42" }];
 * const state = createInstanceState();
 * for await (const body of bodies) {
 *   const r = normaliseZoomEvent(body);
 *   if (r.status === "event") state.apply(r.event);
 * }
 * const now = 1767261600000; // the caller's clock: the core reads none
 * const { attendance, unresolved } = state.result(links, { now }); // open sessions count until now
 */
export function createInstanceState(): InstanceState {
  return new EngineState();
}
