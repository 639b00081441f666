import type { Kysely } from "kysely";
import type { ParticipantEvent } from "../core/index.js";
import type { Database } from "../store/index.js";
import { normaliseInboxBody } from "../zoom/events/index.js";

/** Time a session spent outside the main room: in the waiting room, or in a breakout room. */
export interface RoomSegment {
  kind: "waiting_room" | "breakout";
  from: number;
  /** Null while still there. */
  to: number | null;
}

const WAIT_START = new Set(["waiting_room_joined", "put_in_waiting_room", "jbh_waiting"]);
const WAIT_END = new Set(["waiting_room_left", "admitted", "jbh_waiting_left", "joined", "left"]);

/**
 * Waiting-room and breakout stretches of an instance's sessions, read from the inbox (the derived
 * tables keep only time in the meeting proper). A stretch belongs to the session whose key is its
 * event's `participant_uuid`, else whose Zoom connection ids include its `user_id`; stretches of
 * people who never got in (no session) are left out. Keys are session keys.
 */
export async function roomSegments(
  db: Kysely<Database>,
  instanceUuid: string,
  sessions: ReadonlyArray<{ sessionKey: string; connectionIds: readonly string[] }>,
): Promise<Map<string, RoomSegment[]>> {
  const byConnection = new Map<string, string>();
  const keys = new Set<string>();
  for (const s of sessions) {
    keys.add(s.sessionKey);
    for (const id of s.connectionIds) byConnection.set(id, s.sessionKey);
  }
  const rows = await db.selectFrom("inbox_events").select("body").where("instance_uuid", "=", instanceUuid).execute();
  const events: ParticipantEvent[] = [];
  for (const row of rows) {
    const result = normaliseInboxBody(JSON.parse(row.body));
    if (result.status === "event" && result.event.type === "participant" && result.event.source === "webhook") events.push(result.event);
  }
  // Redeliveries are stored once, but the same Zoom event can differ in bytes: one per content key.
  const unique = [...new Map(events.map((e) => [e.key, e])).values()].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));

  const segments = new Map<string, RoomSegment[]>();
  const open = new Map<string, RoomSegment>();
  const keyOf = (e: ParticipantEvent): string | undefined => {
    const p = e.participant;
    if (p.participantUuid && keys.has(p.participantUuid)) return p.participantUuid;
    return (p.userId && byConnection.get(p.userId)) || (p.parentUserId && byConnection.get(p.parentUserId)) || undefined;
  };
  const close = (slot: string, at: number): void => {
    const segment = open.get(slot);
    if (segment) segment.to = Math.max(segment.from, at);
    open.delete(slot);
  };
  for (const e of unique) {
    const key = keyOf(e);
    if (!key) continue;
    const waitSlot = `${key}\u0000waiting_room`;
    const roomSlot = `${key}\u0000breakout`;
    if (WAIT_START.has(e.kind) && !open.has(waitSlot)) {
      const segment: RoomSegment = { kind: "waiting_room", from: e.at, to: null };
      open.set(waitSlot, segment);
      (segments.get(key) ?? segments.set(key, []).get(key)!).push(segment);
    } else if (WAIT_END.has(e.kind)) {
      close(waitSlot, e.at);
    }
    if (e.kind === "breakout_joined") {
      close(roomSlot, e.at);
      const segment: RoomSegment = { kind: "breakout", from: e.at, to: null };
      open.set(roomSlot, segment);
      (segments.get(key) ?? segments.set(key, []).get(key)!).push(segment);
    } else if (e.kind === "breakout_left") {
      // Not on `left`: Zoom sends a main-room leave when someone moves into a breakout room.
      close(roomSlot, e.at);
    }
  }
  return segments;
}
