/**
 * Rollcall's pure core: normalised Zoom events + links → sessions, resolutions, attendance.
 * No I/O, no clock, no database (see test/core/purity.test.ts).
 */
export type * from "./normalised-event.js";
export type * from "./link.js";
export type * from "./result-common.js";
export type * from "./instance-result.js";
export type * from "./lean-result.js";
export {
  DEFAULT_NAME_PATTERN,
  DEFAULT_PRECEDENCE,
  METHOD_CONFIDENCE,
  CONFLICT_PENALTY,
  resolveEngineOptions,
  type EngineOptions,
  type PrivacyMode,
  type ResolutionMethod,
  type ResolvedEngineOptions,
} from "./engine-options.js";
export { IDENTIFIER_FIELDS_OF_METHOD } from "./identifier-fields.js";
export { nameToken } from "./identity.js";
export { buildLinkIndex, LinkIndexBuilder, manualKey, type LinkIndex, type LinkTarget } from "./link-index.js";
export { createInstanceState, type InstanceState } from "./instance-state.js";
export type { InstanceUpdate, SessionState, SessionSummary, UpdateOptions } from "./instance-update.js";
export { computeInstance, computeInstanceLean } from "./compute-instance.js";
export { unionIntervals, coveredMs } from "./intervals.js";
export { EventColumnsBuilder, KINDS, NO_STRING, REPORT_ROW, REPORT_ROW_WAITING, type EventColumns } from "./event-columns.js";
