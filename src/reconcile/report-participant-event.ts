import { createHash } from "node:crypto";
import type { Product } from "../core/normalised-event.js";
import type { NewInboxEvent } from "../store/inbox/index.js";
import { REPORT_PARTICIPANT_EVENT, type ReportEndpoint, type ReportParticipantBody } from "../zoom/events/report-participant-body.js";
import { canonicalJson } from "../json/index.js";

export { REPORT_PARTICIPANT_EVENT, type ReportEndpoint, type ReportParticipantBody };

/** What an inbox row needs besides the body. */
export interface ReportRowContextInput {
  accountId: string;
  instanceUuid: string;
  meetingId: string;
  product: Product;
  endpoint: ReportEndpoint;
  fetchedAt: number;
}

/**
 * The synthetic inbox body for one report row.
 */
export function reportParticipantBody(row: Record<string, unknown>, context: ReportRowContextInput): ReportParticipantBody {
  return {
    event: REPORT_PARTICIPANT_EVENT,
    event_ts: context.fetchedAt,
    payload: {
      account_id: context.accountId,
      object: { uuid: context.instanceUuid, id: context.meetingId, product: context.product },
      endpoint: context.endpoint,
      row,
    },
  };
}

/**
 * A dedupe key from the row's content (every field, keys sorted) and its instance, so fetching the
 * same report again stores nothing new, while a row Zoom changed (a late `customer_key`) is kept too.
 * The fetch time and endpoint are left out: the same row from either fetch is one fact.
 * The key reads `report|<account>|<instance>|sha256:<hex>`.
 */
export function reportRowDedupeKey(accountId: string, instanceUuid: string, row: Record<string, unknown>): string {
  const hash = createHash("sha256").update(canonicalJson(row)).digest("hex");
  return `report|${accountId}|${instanceUuid}|sha256:${hash}`;
}

/**
 * The inbox row for one report row, ready for the inbox (`insertNewInboxEvents`). `storedRow` is what the privacy
 * mode keeps of it; the dedupe key is computed from the row Zoom sent, so it is stable whatever the mode.
 */
export function reportInboxEvent(row: Record<string, unknown>, storedRow: Record<string, unknown>, context: ReportRowContextInput): NewInboxEvent {
  return {
    dedupeKey: reportRowDedupeKey(context.accountId, context.instanceUuid, row),
    event: REPORT_PARTICIPANT_EVENT,
    accountId: context.accountId,
    instanceUuid: context.instanceUuid,
    body: JSON.stringify(reportParticipantBody(storedRow, context)),
    // Not a delivery: there are no Zoom headers to audit, only where the row came from.
    headers: { source: `zoom-${context.endpoint}` },
    receivedAt: context.fetchedAt,
    eventTs: context.fetchedAt,
  };
}
