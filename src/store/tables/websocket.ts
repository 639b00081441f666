/**
 * Zoom's WebSocket door (`src/ingest/websocket`). Zoom keeps nothing for a subscription while no
 * connection is open, so Rollcall records how far it is covered and every stretch it was not (a
 * gap), to know which instances may miss events until reconciliation repairs them. Times are epoch
 * milliseconds.
 */
import type { Generated } from "kysely";

/** One subscription's coverage. */
export interface WebsocketSubscriptionTable {
  subscription_id: string;
  /** The Zoom account whose events it carries (its instances are the ones a gap touches). */
  account_id: string;
  /**
   * Up to when every event was received and committed over an open connection. A holder moves it
   * forward while connected; a gap starts here, so a crash between a frame and its commit is a gap.
   */
  covered_until: number;
  updated_at: number;
}

/** One stretch with no open connection: from `started_at` until `ended_at` (null while it lasts). */
export interface WebsocketGapTable {
  id: Generated<number>;
  subscription_id: string;
  account_id: string;
  started_at: number;
  ended_at: number | null;
  /** What began it: `disconnected (code 1006)`, `stopped`, `no connection (restart or crash)`, `refused: …`. */
  reason: string;
}

/** A frame that was not a Zoom event: kept with the reason, never fatal to the connection. */
export interface WebsocketParkedFrameTable {
  id: Generated<number>;
  subscription_id: string;
  received_at: number;
  reason: string;
  /** The frame's text (at most 64 KiB) under `ROLLCALL_PRIVACY=store`; null otherwise (it may hold names). */
  frame: string | null;
}

export interface WebsocketTables {
  websocket_parked_frames: WebsocketParkedFrameTable;
  websocket_subscriptions: WebsocketSubscriptionTable;
  websocket_gaps: WebsocketGapTable;
}
