/**
 * Outbound webhooks and the live stream (`src/notify`). Times are epoch milliseconds; booleans 0/1.
 *
 * - `notify_events`: every event Rollcall announced (joins, leaves, attendance changes, …), written
 *   in the transaction of the change that caused it. The live stream (SSE) reads it by `id`.
 * - `webhook_endpoints`: where the app wants events sent, with their signing secrets; a disabled
 *   one (`410 Gone`, or the API) gets nothing until it is enabled again.
 * - `webhook_messages`: the durable outbox, one row per (event, endpoint); the sender delivers it.
 * - `webhook_attempts`: one row per delivery attempt (status, error, duration).
 */
import type { Generated } from "kysely";

/** One announced event. */
export interface NotifyEventTable {
  id: Generated<number>;
  account_id: string;
  instance_uuid: string;
  /** `attendee.joined`, `attendee.left`, `attendance.updated`, `session.unresolved`, `instance.*`. */
  type: string;
  /** Set for events sent once per instance (`instance.started`, …): unique, so a repeat is dropped. */
  once_key: string | null;
  /** The JSON body sent: `{"type", "timestamp", "data"}`. */
  body: string;
  created_at: number;
}

/** A receiver of outbound webhooks. */
export interface WebhookEndpointTable {
  /** `ep_…`. */
  id: string;
  url: string;
  /** JSON `string[]` of event types; null = every type. */
  event_types_json: string | null;
  /** `whsec_…` (Standard Webhooks). */
  secret: string;
  /** The secret before the last rotation, still signing until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  description: string | null;
  created_at: number;
  updated_at: number;
  /** When it was switched off (no messages are written or sent to it), or null: enabled. */
  disabled_at: number | null;
  /** Why: `410 Gone` from the receiver, or the API. */
  disabled_reason: string | null;
}

/** One event for one endpoint: the outbox row the sender delivers. */
export interface WebhookMessageTable {
  id: Generated<number>;
  /** The `webhook-id` header (`msg_…`): the same on every attempt and on replay. */
  message_id: string;
  endpoint_id: string;
  account_id: string;
  instance_uuid: string;
  type: string;
  /** `attendance.updated`: the user it is about (one pending message per key is updated in place). */
  coalesce_key: string | null;
  body: string;
  /** `pending`, `delivered` or `dead`. */
  state: string;
  /** Attempts started (a claim counts one before the request goes out). */
  attempts: number;
  /** When the next attempt may start; a claim pushes it forward by a lease, so a crashed sender's message is taken again. */
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** One delivery attempt. */
export interface WebhookAttemptTable {
  id: Generated<number>;
  message_row_id: number;
  endpoint_id: string;
  attempt: number;
  /** HTTP status, or null for a timeout or connection error. */
  status: number | null;
  /** Why it failed (status class, `timeout`, `connection refused`, a refused address); null on success. */
  error: string | null;
  duration_ms: number;
  attempted_at: number;
}

export interface NotifyTables {
  notify_events: NotifyEventTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_messages: WebhookMessageTable;
  webhook_attempts: WebhookAttemptTable;
}
