export { contentKey } from "./content-key.js";
export { normaliseZoomEvent, normaliseZoomEventInto } from "./normalise-zoom-event.js";
export { normaliseReportRow, type ReportRowContext } from "./normalise-report-row.js";
export type { NormaliseIssue, NormaliseOptions, NormaliseResult } from "./normalise-result.js";
export { hashEmail, hashName } from "./privacy.js";
export { EVENT_MEANINGS, type EventMeaning } from "./event-names.js";
export * as zoomEventSchemas from "./event-schemas.js";
