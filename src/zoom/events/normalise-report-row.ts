import type { Product, ReportRowEvent } from "../../core/normalised-event.js";
import { reportRowSchema } from "./event-schemas.js";
import { identifiers, rejected, text } from "./normalise-zoom-event.js";
import type { NormaliseOptions, NormaliseResult } from "./normalise-result.js";
import { personalDataFilter } from "./privacy.js";
import { parseZoomTime } from "./zoom-time.js";

/** Which instance a report page belongs to (the row itself does not say). */
export interface ReportRowContext {
  instanceUuid: string;
  meetingId: string;
  accountId: string;
  /** Default `meeting`. */
  product?: Product;
}

/**
 * Normalises one row of Zoom's participant reports (`/report/meetings/{uuid}/participants`,
 * `/past_meetings/{uuid}/participants`) into a {@link ReportRowEvent}: one whole connection, join to
 * leave, with the identifiers the row carries. Report names are `name`/`user_email` where webhooks say
 * `user_name`/`email`; both go through the same privacy filter.
 */
export function normaliseReportRow(row: unknown, context: ReportRowContext, options?: NormaliseOptions): NormaliseResult {
  const filter = personalDataFilter(options);
  const parsed = reportRowSchema.safeParse(row);
  if (!parsed.success) return rejected(parsed.error);
  const r = parsed.data;
  const at = parseZoomTime(r.join_time);
  const leaveAt = parseZoomTime(r.leave_time);
  const issues = [];
  if (at === undefined) issues.push(timeIssue("join_time", r.join_time));
  if (leaveAt === undefined) issues.push(timeIssue("leave_time", r.leave_time));
  if (at === undefined || leaveAt === undefined) return { status: "rejected", issues };
  if (leaveAt < at) {
    return {
      status: "rejected",
      issues: [{ path: "leave_time", expected: "a time at or after join_time", message: `leave_time: expected a time at or after join_time ${r.join_time}, got ${r.leave_time}` }],
    };
  }
  const participant = identifiers(
    {
      user_id: r.user_id,
      participant_uuid: r.participant_uuid,
      user_name: r.name,
      email: r.user_email,
      id: r.id,
      participant_user_id: r.participant_user_id,
      registrant_id: r.registrant_id,
      customer_key: r.customer_key,
    },
    filter,
  );
  const event: ReportRowEvent = {
    type: "report_row",
    // Report rows have no content key of their own: instance + connection + times identify a row.
    key: ["report", context.instanceUuid, text(r.user_id) ?? "", text(r.participant_uuid) ?? "", text(r.id) ?? "", r.join_time, r.leave_time].join("|"),
    accountId: context.accountId,
    instanceUuid: context.instanceUuid,
    meetingId: context.meetingId,
    product: context.product ?? "meeting",
    at,
    leaveAt,
    source: "report",
    participant,
  };
  const status = typeof r.status === "string" && r.status !== "" ? r.status : undefined;
  if (status !== undefined) event.status = status;
  const room = text(r.bo_mtg_id);
  if (room !== undefined) event.breakoutRoomId = room;
  return { status: "event", event };
}

function timeIssue(path: string, got: string) {
  return { path, expected: "ISO-8601 date-time", message: `${path}: expected an ISO-8601 date-time such as "2026-04-03T17:06:25Z", got ${JSON.stringify(got)}` };
}
