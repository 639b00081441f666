import { isTimeInRange } from "../events/zoom-time.js";
import { asRecord } from "../../json/index.js";

/** The envelope fields of a Zoom webhook body that the inbox indexes (zoom-facts §1.1). */
export interface DeliveryEnvelope {
  event: string;
  /** `payload.account_id`, when it is a string. */
  accountId: string | null;
  /** `payload.object.uuid` (the meeting instance), when it is a string. */
  instanceUuid: string | null;
  /** `event_ts` in epoch ms; null when absent (2020-era bodies) or not a plausible integer. */
  eventTs: number | null;
}

/** A parsed body that is not a Zoom event envelope; the message names the field. */
export class InvalidEnvelopeError extends Error {
  override name = "InvalidEnvelopeError";
}

const maxEventNameLength = 200;
/**
 * Longest `payload.account_id` and `payload.object.uuid` accepted. Zoom's are about 22–24 characters;
 * the inbox indexes the instance uuid, and a btree entry must stay well below PostgreSQL's ~2.7 kB
 * row limit even in 4-byte UTF-8, so a far longer value is refused up front instead of failing a commit.
 */
export const maxIdentifierLength = 256;

/**
 * Reads the envelope of a parsed webhook body. Only `event` is required (a non-empty string):
 * unknown event names are fine, they are stored and acknowledged. Other fields are taken when they
 * have the expected type and ignored otherwise, because Zoom's payloads vary (zoom-facts §9).
 * Strings with NUL characters are refused: PostgreSQL text cannot hold them.
 */
export function deliveryEnvelope(parsed: unknown): DeliveryEnvelope {
  const body = asRecord(parsed);
  if (!body) throw new InvalidEnvelopeError("body: expected a JSON object");
  const event = body["event"];
  if (typeof event !== "string" || event === "") throw new InvalidEnvelopeError("event: expected a non-empty string");
  if (event.length > maxEventNameLength) throw new InvalidEnvelopeError(`event: expected at most ${maxEventNameLength} characters`);
  const payload = asRecord(body["payload"]);
  const accountId = text(payload?.["account_id"]);
  const instanceUuid = text(asRecord(payload?.["object"])?.["uuid"]);
  for (const [name, value] of [["event", event], ["payload.account_id", accountId], ["payload.object.uuid", instanceUuid]] as const) {
    if (value?.includes("\u0000")) throw new InvalidEnvelopeError(`${name}: must not contain NUL characters`);
    if (value !== null && name !== "event" && value.length > maxIdentifierLength) {
      throw new InvalidEnvelopeError(`${name}: expected at most ${maxIdentifierLength} characters, got ${value.length}`);
    }
  }
  const ts = body["event_ts"];
  // Out of range (see isTimeInRange) is kept as "no event_ts": the normaliser names the field when it needs it.
  const eventTs = typeof ts === "number" && isTimeInRange(ts) ? ts : null;
  return { event, accountId, instanceUuid, eventTs };
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
