import type { EngineOptions } from "./engine-options.js";
import type { InstanceResult } from "./instance-result.js";
import type { LeanInstanceResult } from "./lean-result.js";
import { createInstanceState } from "./instance-state.js";
import type { Link } from "./link.js";
import type { LinkIndex } from "./link-index.js";
import type { NormalisedEvent } from "./normalised-event.js";

/**
 * Batch form: sessions, identity and attendance of one instance from its events and the app's links.
 * Same output as feeding the events one by one into {@link createInstanceState}: it is exactly that.
 *
 * @example
 * const participant = (event: string, time: Record<string, string>) => ({
 *   event,
 *   payload: { account_id: "acct-1", object: { uuid: "FaKeUuId1234567890abcQ==", id: 81234567890, participant: { user_id: "16778240", registrant_id: "r-1", ...time } } },
 * });
 * const events: NormalisedEvent[] = [];
 * for (const body of [participant("meeting.participant_joined", { join_time: "2026-01-01T10:00:00Z" }), participant("meeting.participant_left", { leave_time: "2026-01-01T10:59:00Z" })]) {
 *   const r = normaliseZoomEvent(body);
 *   if (r.status === "event") events.push(r.event);
 * }
 * const result = computeInstance(events, [{ method: "registrant_id", value: "r-1", userId: "user-42" }]);
 * result.attendance; // [{ userId: "user-42", attendedMs: 3_540_000, resolvedBy: "registrant_id", … }]
 */
export function computeInstance(events: readonly NormalisedEvent[], links: readonly Link[] | LinkIndex, options: EngineOptions = {}): InstanceResult {
  const state = createInstanceState();
  for (let i = 0; i < events.length; i++) state.apply(events[i]!);
  return state.result(links, options);
}

/**
 * Batch form of the lean answer: attendance, unresolved sessions and each session's figures and
 * resolution, without the per-session detail. Same figures as {@link computeInstance}, for less.
 *
 * @example
 * declare const events: NormalisedEvent[]; // one instance's normalised events, any order
 * const { attendance } = computeInstanceLean(events, [{ method: "customer_key", value: "ck-1", userId: "user-42" }]);
 * attendance[0]?.attendedMs; // milliseconds user-42 spent in the meeting
 */
export function computeInstanceLean(events: readonly NormalisedEvent[], links: readonly Link[] | LinkIndex, options: EngineOptions = {}): LeanInstanceResult {
  const state = createInstanceState();
  for (let i = 0; i < events.length; i++) state.apply(events[i]!);
  return state.lean(links, options);
}
