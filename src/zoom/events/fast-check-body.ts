/**
 * Hand-written twins of the zod schemas in `event-schemas.ts`, for the hot path: zod's loose objects
 * copy every key and cost ~25 µs per body here, far from the 300,000 events/s target. These checks
 * only read fields (no copies). They must accept exactly what the schemas accept; a parity property
 * test (test/zoom/events/fast-path-parity.test.ts) holds them to it. When a check fails, the
 * normaliser asks zod for the field-named issues.
 */
import type { EventMeaning } from "./event-names.js";
import { isRecord } from "../../json/index.js";

type Obj = Record<string, unknown>;

/** string | finite number | null | undefined (zod's `looseId`). */
function looseId(v: unknown): boolean {
  return v === undefined || v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** string | null | undefined (zod's `looseText`). */
function looseText(v: unknown): boolean {
  return v === undefined || v === null || typeof v === "string";
}

/**
 * The participant fields zod checks: ids (`looseId`) and texts (`looseText`). Written out as named
 * property reads: a loop over field names makes every read a megamorphic keyed lookup.
 */
function participantObject(p: Obj): boolean {
  return (
    looseId(p["user_id"]) &&
    looseId(p["id"]) &&
    looseId(p["participant_uuid"]) &&
    looseId(p["participant_user_id"]) &&
    looseId(p["parent_user_id"]) &&
    looseId(p["registrant_id"]) &&
    looseId(p["customer_key"]) &&
    looseId(p["phone_number"]) &&
    looseId(p["bind_user_id"]) &&
    looseId(p["bind_participant_uuid"]) &&
    looseText(p["user_name"]) &&
    looseText(p["email"]) &&
    looseText(p["join_time"]) &&
    looseText(p["leave_time"]) &&
    looseText(p["date_time"]) &&
    looseText(p["leave_reason"])
  );
}

function meetingObject(o: Obj, uuidRequired: boolean): boolean {
  const uuid = o["uuid"];
  if (uuidRequired ? !(typeof uuid === "string" && uuid !== "") : !(uuid === undefined || typeof uuid === "string")) return false;
  const type = o["type"];
  const duration = o["duration"];
  return (
    looseId(o["id"]) &&
    looseId(o["host_id"]) &&
    looseText(o["topic"]) &&
    (type === undefined || type === null || typeof type === "string" || (typeof type === "number" && Number.isFinite(type))) &&
    looseText(o["start_time"]) &&
    looseText(o["end_time"]) &&
    looseText(o["timezone"]) &&
    (duration === undefined || duration === null || typeof duration === "string" || (typeof duration === "number" && Number.isFinite(duration))) &&
    looseId(o["breakout_room_uuid"])
  );
}

/**
 * True when `body` satisfies the zod schema for its meaning (envelope included).
 * `meaning` undefined = envelope only.
 */
export function fastAccepts(body: unknown, meaning: EventMeaning | undefined): boolean {
  if (!isRecord(body)) return false;
  const event = body["event"];
  if (typeof event !== "string" || event === "") return false;
  const ts = body["event_ts"];
  if (!(ts === undefined || ts === null || typeof ts === "string" || (typeof ts === "number" && Number.isFinite(ts)))) return false;
  const payload = body["payload"];
  if (!isRecord(payload) || !looseId(payload["account_id"])) return false;
  const object = payload["object"];
  if (!isRecord(object)) return false;
  if (meaning === undefined) return true;
  if (meaning.type === "registration") {
    if (!meetingObject(object, false)) return false;
    const r = object["registrant"];
    if (!isRecord(r)) return false;
    const id = r["id"];
    if (!((typeof id === "string" && id !== "") || (typeof id === "number" && Number.isFinite(id)))) return false;
    return looseText(r["email"]) && looseText(r["first_name"]) && looseText(r["last_name"]) && looseText(r["join_url"]);
  }
  if (!meetingObject(object, true)) return false;
  if (meaning.type === "instance") return true;
  const p = object["participant"];
  return isRecord(p) && participantObject(p);
}
