/**
 * What the full result (`instance-result.ts`) and the lean result (`lean-result.ts`) both say, in
 * one place, so neither imports the other for it.
 */
import type { Product } from "./normalised-event.js";

/** The instance as far as its events tell. */
export interface InstanceInfo {
  uuid: string;
  meetingId: string;
  accountId: string;
  product: Product;
  topic?: string;
  hostId?: string;
  meetingType?: number;
  /** Earliest `start_time` of a started/ended event (epoch ms). */
  startTime?: number;
  /** Latest `end_time` of an ended event (epoch ms). */
  endTime?: number;
  /**
   * `ended` once any `meeting.ended` arrived. Zoom can send it more than once and events can follow
   * it, so this is not final: callers finalise after a grace period or a report reconciliation.
   */
  status: "live" | "ended";
  /** Span attendance shares are measured against: [min(start, first join), max(end or now, last leave)]. */
  spanFrom?: number;
  spanTo?: number;
}

/**
 * Where a user's attendance evidence came from, strongest first: `manual` (a hand-made link),
 * `webhook` (an identifier on a webhook event), `report` (only on rows of Zoom's participant report).
 */
export type AttendanceSource = "manual" | "webhook" | "report";

export type UnresolvedReason = "no_identifier" | "identifier_unknown" | "names_hidden";

export interface UnresolvedSession {
  sessionKey: string;
  /** The latest name shown (absent under privacy modes or on blanked accounts). */
  userName?: string;
  attendedMs: number;
  reason: UnresolvedReason;
}
