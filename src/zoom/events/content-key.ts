import { createHash } from "node:crypto";
import { asRecord, canonicalJson } from "../../json/index.js";

/**
 * A key that is equal for every delivery of the same Zoom event, so the inbox and the engine can
 * drop redeliveries. Zoom publishes no idempotency key and `x-zm-trackingid` may differ per delivery
 * (zoom-facts §1.5), so the key is built from content: event name, account, instance, participant
 * identity and the event's own time. `event_ts` is left out on purpose: whether a retry keeps it is
 * undocumented. Bodies without those fields (unknown events) fall back to a hash of the whole body.
 *
 * @example
 * contentKey({ event: "meeting.ended", payload: { account_id: "a", object: { uuid: "u==", end_time: "2026-01-01T10:00:00Z" } } })
 * // => "meeting.ended|a|u==||2026-01-01T10:00:00Z"
 */
export function contentKey(body: unknown): string {
  // Named reads and one join: this runs once per event on the hot path.
  const b = asRecord(body);
  const event = b === undefined ? undefined : text(b["event"]);
  const payload = b === undefined ? undefined : asRecord(b["payload"]);
  const object = payload === undefined ? undefined : asRecord(payload["object"]);
  if (event === undefined || payload === undefined || object === undefined) return `sha256:${hashOf(body)}`;

  // The key's pieces go into one reused array joined once: one flat string, no intermediate strings.
  const parts = PARTS;
  parts[0] = event;
  parts[2] = text(payload["account_id"]) ?? "";
  const room = text(object["breakout_room_uuid"]);
  parts[4] = text(object["uuid"]) ?? text(object["id"]) ?? "";
  parts[5] = room !== undefined ? "#" + room : "";
  const participant = asRecord(object["participant"]);
  if (participant !== undefined) {
    // Never the name or e-mail: the key is stored in clear even under ROLLCALL_PRIVACY=hash|drop.
    parts[7] = text(participant["participant_uuid"]) ?? "";
    parts[8] = "/";
    parts[9] = text(participant["user_id"]) ?? "";
    parts[10] = "/";
    parts[11] = text(participant["id"]) ?? "";
    const when = text(participant["join_time"]) ?? text(participant["leave_time"]) ?? text(participant["date_time"]) ?? "";
    parts[13] = when;
    // A participant event without its own time or ids (jbh_*): only event_ts tells two of them apart.
    parts[14] = when === "" ? "|" + (text(b!["event_ts"]) ?? "") : "";
  } else {
    const registrant = asRecord(object["registrant"]);
    parts[7] = registrant !== undefined ? (text(registrant["id"]) ?? "") : "";
    parts[8] = parts[9] = parts[10] = parts[11] = "";
    parts[13] = text(object["end_time"]) ?? text(object["start_time"]) ?? "";
    parts[14] = "";
  }
  const key = parts.join("");
  return key.length <= 400 ? key : `sha256:${hashOf(key)}`;
}

/** event | account | instance #room | uuid / user_id / id | when tieBreak (odd slots 1, 3, 6, 12: separators). */
const PARTS: string[] = ["", "|", "", "|", "", "", "|", "", "", "", "", "", "|", "", ""];

/** A string-or-number field as text (Zoom sends some ids as either); `""` and non-finite numbers are absent. */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(typeof value === "string" ? value : canonicalJson(value)).digest("hex");
}
