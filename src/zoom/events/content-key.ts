import { createHash } from "node:crypto";

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
  const event = field(body, "event");
  const payload = record(record(body)?.["payload"]);
  const object = record(payload?.["object"]);
  if (event === undefined || object === undefined) return `sha256:${hashOf(body)}`;

  const participant = record(object["participant"]);
  const registrant = record(object["registrant"]);
  const who = participant
    ? // Never the name or e-mail: the key is stored in clear even under ROLLCALL_PRIVACY=hash|drop.
      [field(participant, "participant_uuid"), field(participant, "user_id"), field(participant, "id")]
        .map((v) => v ?? "")
        .join("/")
    : registrant
      ? (field(registrant, "id") ?? "")
      : "";
  const when = participant
    ? (field(participant, "join_time") ?? field(participant, "leave_time") ?? field(participant, "date_time") ?? "")
    : (field(object, "end_time") ?? field(object, "start_time") ?? "");
  // A participant event without its own time or ids (jbh_*): only event_ts tells two of them apart.
  const tieBreak = participant && when === "" ? `|${field(body, "event_ts") ?? ""}` : "";
  const instance = field(object, "uuid") ?? field(object, "id") ?? "";
  const room = field(object, "breakout_room_uuid");
  const key = [event, field(payload, "account_id") ?? "", instance + (room ? `#${room}` : ""), who, when].join("|") + tieBreak;
  return key.length <= 400 ? key : `sha256:${hashOf(key)}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads a string-or-number field as text (Zoom sends some ids as either). */
function field(value: unknown, name: string): string | undefined {
  const v = record(value)?.[name];
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(typeof value === "string" ? value : canonicalJson(value)).digest("hex");
}

/** JSON with object keys sorted, so the same content hashes the same whatever Zoom's key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = record(value);
  if (obj) {
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
