import type { Product } from "../../core/normalised-event.js";

/**
 * The inbox event name of one row of a Zoom participant report. It is Rollcall's own name (Zoom
 * never sends it): reconciliation stores every fetched row as one such event, so the inbox stays the
 * source of truth and `rollcall reprocess` replays the report like any webhook.
 */
export const REPORT_PARTICIPANT_EVENT = "rollcall.report_participant";

/** Which report endpoint a row came from. */
export type ReportEndpoint = "report" | "past_meetings";

/** The body stored in the inbox for one report row. */
export interface ReportParticipantBody {
  event: typeof REPORT_PARTICIPANT_EVENT;
  /** When Rollcall fetched the report (epoch ms); not part of the dedupe key. */
  event_ts: number;
  payload: {
    account_id: string;
    /** The instance the report page belongs to (the row itself does not say). */
    object: { uuid: string; id: string; product: Product };
    endpoint: ReportEndpoint;
    /** The row exactly as Zoom returned it (or as the privacy mode stripped it). */
    row: Record<string, unknown>;
  };
}
