import type { ParticipantEventKind, Product } from "../../core/normalised-event.js";

/** What a Zoom event name means to Rollcall. */
export type EventMeaning =
  | { type: "participant"; product: Product; kind: ParticipantEventKind }
  | { type: "instance"; product: Product; kind: "started" | "ended" }
  | { type: "registration"; product: Product };

const PARTICIPANT_SUFFIXES: ReadonlyArray<readonly [string, ParticipantEventKind]> = [
  ["participant_joined", "joined"],
  ["participant_left", "left"],
  ["participant_joined_breakout_room", "breakout_joined"],
  ["participant_left_breakout_room", "breakout_left"],
  ["participant_joined_waiting_room", "waiting_room_joined"],
  ["participant_left_waiting_room", "waiting_room_left"],
  ["participant_admitted", "admitted"],
  ["participant_put_in_waiting_room", "put_in_waiting_room"],
  ["participant_jbh_joined", "jbh_joined"],
  ["participant_jbh_waiting", "jbh_waiting"],
  ["participant_jbh_waiting_left", "jbh_waiting_left"],
  ["participant_bind", "bind"],
  ["participant_role_changed", "role_changed"],
];

/** Zoom event name → meaning, for meetings and webinars alike. Built once: a Map lookup per event. */
export const EVENT_MEANINGS: ReadonlyMap<string, EventMeaning> = (() => {
  const map = new Map<string, EventMeaning>();
  for (const product of ["meeting", "webinar"] as const) {
    for (const [suffix, kind] of PARTICIPANT_SUFFIXES) map.set(`${product}.${suffix}`, { type: "participant", product, kind });
    map.set(`${product}.started`, { type: "instance", product, kind: "started" });
    map.set(`${product}.ended`, { type: "instance", product, kind: "ended" });
    map.set(`${product}.registration_created`, { type: "registration", product });
  }
  return map;
})();

/** Participant kinds whose own time field is required (they carry attendance). */
export const TIMED_FIELD: Readonly<Partial<Record<ParticipantEventKind, "join_time" | "leave_time" | "date_time">>> = {
  joined: "join_time",
  left: "leave_time",
  breakout_joined: "join_time",
  breakout_left: "leave_time",
  bind: "join_time",
  waiting_room_joined: "date_time",
  waiting_room_left: "date_time",
  admitted: "date_time",
  put_in_waiting_room: "date_time",
  role_changed: "date_time",
};
