import type { Generated } from "kysely";

/**
 * The raw inbox: every verified Zoom delivery, stored before it is acknowledged. It is the source of
 * truth; everything else is derived from it and can be rebuilt (`rollcall reprocess`).
 * Times are epoch milliseconds.
 */
export interface InboxEventTable {
  /** Arrival order. */
  id: Generated<number>;
  /** `contentKey(body)`: equal for redeliveries of one event, which are stored once. */
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
  /** How many deliveries carried this event (1 + redeliveries). */
  deliveries: Generated<number>;
  /** `pending` until the pipeline has applied it; then `done`, `ignored` or `parked` (with `error`). */
  status: Generated<string>;
  error: string | null;
  processed_at: number | null;
}

export interface InboxTables {
  inbox_events: InboxEventTable;
}
