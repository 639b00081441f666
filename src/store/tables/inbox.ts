import type { Generated } from "kysely";

/**
 * The raw inbox: every verified Zoom delivery, stored before it is acknowledged. It is the source of
 * truth; everything else is derived from it and can be rebuilt (`rollcall reprocess`).
 * Times are epoch milliseconds.
 */
export interface InboxEventTable {
  /** Arrival order. */
  id: Generated<number>;
  /**
   * `contentKey(body)`: equal for redeliveries of one event. Not unique: a redelivery the inbox did not
   * recognise lands as a row of its own, which the pipeline merges into the first (see `inbox_keys`).
   */
  dedupe_key: string;
  event: string;
  account_id: string | null;
  instance_uuid: string | null;
  /** The body as received (or as stripped by the privacy mode after the signature was checked). */
  body: string;
  /** JSON of the audit headers (timestamp, tracking id, user agent). */
  headers: string;
  received_at: number;
  event_ts: number | null;
  /** How many deliveries carried this event (1 + redeliveries, those merged from later rows included). */
  deliveries: Generated<number>;
  /** `pending` until the pipeline has applied it; then `done`, `ignored` or `parked` (with `error`). */
  status: Generated<string>;
  error: string | null;
  processed_at: number | null;
}

/**
 * Which inbox row holds each event: written by the pipeline as it claims rows (after Zoom got its
 * answer), so the webhook's commit keeps no index on a random key. A row whose key already belongs
 * to another row is a redelivery: merged into that row and deleted, it never reaches the engine.
 */
export interface InboxKeyTable {
  /** `keyHash(dedupe_key)`; a row it names holds the event only if its `dedupe_key` is the same. */
  key_hash: number;
  inbox_id: number;
}

export interface InboxTables {
  inbox_events: InboxEventTable;
  inbox_keys: InboxKeyTable;
}
