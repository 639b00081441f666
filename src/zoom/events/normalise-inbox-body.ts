import { normaliseReportRow } from "./normalise-report-row.js";
import type { NormaliseOptions, NormaliseResult } from "./normalise-result.js";
import { normaliseZoomEvent, normaliseZoomEventInto, type ColumnsTarget } from "./normalise-zoom-event.js";
import { REPORT_PARTICIPANT_EVENT } from "./report-participant-body.js";
import { asRecord } from "../../json/index.js";

/**
 * Normalises one parsed inbox body: Zoom webhooks go to `normaliseZoomEvent`, Rollcall's own
 * `rollcall.report_participant` events (rows of a participant report stored by reconciliation) to
 * `normaliseReportRow` with the instance the body names. The pipeline calls this for every row, so
 * `reprocess` replays reports exactly like webhooks.
 */
export function normaliseInboxBody(body: unknown, options?: NormaliseOptions): NormaliseResult {
  if (!isReportParticipant(body)) return normaliseZoomEvent(body, options);
  const payload = asRecord(body["payload"]);
  const object = asRecord(payload?.["object"]);
  const issues = [];
  const accountId = payload?.["account_id"];
  const uuid = object?.["uuid"];
  const meetingId = object?.["id"];
  if (typeof accountId !== "string") issues.push(issue("payload.account_id", "the account id as a string"));
  if (typeof uuid !== "string" || uuid === "") issues.push(issue("payload.object.uuid", "the instance uuid"));
  if (typeof meetingId !== "string") issues.push(issue("payload.object.id", "the meeting number as a string"));
  if (asRecord(payload?.["row"]) === undefined) issues.push(issue("payload.row", "the report row object"));
  if (issues.length > 0) return { status: "rejected", issues };
  const product = object?.["product"] === "webinar" ? "webinar" : "meeting";
  return normaliseReportRow(payload!["row"], { accountId: accountId as string, instanceUuid: uuid as string, meetingId: meetingId as string, product }, options);
}

function isReportParticipant(body: unknown): body is Record<string, unknown> {
  return asRecord(body)?.["event"] === REPORT_PARTICIPANT_EVENT;
}

function issue(path: string, expected: string) {
  return { path, expected, message: `${path}: expected ${expected}` };
}

/**
 * {@link normaliseInboxBody} for batches: webhook participant events become rows of the target's
 * columns (`{ status: "row" }`), everything else comes back as `normaliseInboxBody` returns it.
 */
export function normaliseInboxBodyInto(body: unknown, target: ColumnsTarget, options?: NormaliseOptions): NormaliseResult | { status: "row" } {
  if (isReportParticipant(body)) return normaliseInboxBody(body, options);
  return normaliseZoomEventInto(body, target, options);
}
