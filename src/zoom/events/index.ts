export { contentKey } from "./content-key.js";
export { normaliseZoomEvent } from "./normalise-zoom-event.js";
export { normaliseReportRow, type ReportRowContext } from "./normalise-report-row.js";
export { normaliseInboxBody } from "./normalise-inbox-body.js";
export { REPORT_PARTICIPANT_EVENT, type ReportEndpoint, type ReportParticipantBody } from "./report-participant-body.js";
export type { NormaliseIssue, NormaliseOptions, NormaliseResult } from "./normalise-result.js";
export { hashEmail, hashName } from "./privacy.js";
export { EVENT_MEANINGS, type EventMeaning } from "./event-names.js";
export * as zoomEventSchemas from "./event-schemas.js";
