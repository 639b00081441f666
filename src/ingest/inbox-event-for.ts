import { createHash } from "node:crypto";
import { storableDedupeKey, type NewInboxEvent } from "../store/inbox/index.js";
import { contentKey } from "../zoom/events/content-key.js";
import { deliveryEnvelope } from "../zoom/webhook/index.js";
import type { PrepareBodyForStorage } from "./prepare-body.js";

/** Where a Zoom event came in, and what the inbox keeps about that. */
export interface Arrival {
  /** Audit headers: what the door knows of the delivery (never a secret). */
  headers: Record<string, string>;
  receivedAt: number;
  /** What the privacy mode keeps of the body (default: the body as received). */
  prepare?: PrepareBodyForStorage | undefined;
}

/**
 * The inbox row for one Zoom event body, whichever door it came by (a signed webhook or a frame
 * of Zoom's WebSocket): the same envelope checks, the same content key (so an event that comes by
 * both doors is stored once) and the same privacy filter.
 *
 * @throws InvalidEnvelopeError naming the field when the body is not a Zoom event envelope.
 */
export function inboxEventFor(text: string, parsed: unknown, arrival: Arrival): NewInboxEvent {
  const envelope = deliveryEnvelope(parsed);
  return {
    ...envelope,
    dedupeKey: dedupeKeyOf(parsed, text),
    body: arrival.prepare ? arrival.prepare(text, parsed) : text,
    headers: arrival.headers,
    receivedAt: arrival.receivedAt,
  };
}

/** The content key; a body too odd for it (absurd nesting) falls back to a hash of its text. */
function dedupeKeyOf(parsed: unknown, text: string): string {
  try {
    return storableDedupeKey(contentKey(parsed));
  } catch {
    return `sha256:${createHash("sha256").update(text).digest("hex")}`;
  }
}
