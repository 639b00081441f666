import { ZoomApiError, ZoomReportNotReadyError, type ZoomApiClient } from "../zoom/api/index.js";
import type { ReportEndpoint } from "./report-participant-event.js";

/** A participant report as fetched: every row of every page, and which endpoint gave it. */
export interface FetchedReport {
  endpoint: ReportEndpoint;
  rows: Record<string, unknown>[];
}

// Zoom's answers when the account's plan or the app's scopes do not allow the report endpoint:
// 200 "No permission" / "only available for paid users", 4700/4711 scope errors.
const PLAN_OR_SCOPE_CODES = new Set([200, 4700, 4711]);

/** True for a refusal the other endpoint may not share (plan or scope), as opposed to "not ready" or an outage. */
export function isPlanOrScopeError(error: unknown): boolean {
  if (!(error instanceof ZoomApiError) || error instanceof ZoomReportNotReadyError) return false;
  if (error.status === 403) return true;
  return (error.status === 400 || error.status === 401) && error.code !== undefined && PLAN_OR_SCOPE_CODES.has(error.code);
}

/**
 * Fetches the participant report of one instance: `/report/meetings/{uuid}/participants` with
 * `include_fields=registrant_id` (it carries `customer_key` too), and on a plan or scope refusal
 * `/past_meetings/{uuid}/participants` instead. Throws `ZoomReportNotReadyError` while Zoom has no
 * report yet, and Zoom's other typed errors as they come.
 */
export async function fetchParticipantReport(zoom: ZoomApiClient, instanceUuid: string): Promise<FetchedReport> {
  try {
    return { endpoint: "report", rows: (await zoom.collectReportParticipants(instanceUuid)) as Record<string, unknown>[] };
  } catch (error) {
    if (!isPlanOrScopeError(error)) throw error;
  }
  return { endpoint: "past_meetings", rows: (await zoom.collectPastMeetingParticipants(instanceUuid)) as Record<string, unknown>[] };
}
