/**
 * Reconciliation with Zoom's participant reports: fetch the report of an ended instance, store its
 * rows in the inbox (`rollcall.report_participant`), record how it changed attendance, finalize.
 */
export { REPORT_PARTICIPANT_EVENT, reportParticipantBody, reportRowDedupeKey, reportInboxEvent, type ReportEndpoint, type ReportParticipantBody } from "./report-participant-event.js";
export { fetchParticipantReport, isPlanOrScopeError, type FetchedReport } from "./fetch-participant-report.js";
export { attendanceDifferences, type AttendanceDifference, type ReconcileDifference, type ReconcileSummary, type ResolutionChangedDifference, type SessionAddedDifference } from "./attendance-differences.js";
export { reconcileInstance, type ReconcileContext, type ReconcileOutcome, type ReconcileTarget } from "./reconcile-instance.js";
export {
  beginManualReconciliation,
  claimDueReconciliations,
  finalizeReconciliation,
  giveUpReconciliation,
  rescheduleReconciliation,
  scheduleEndedInstances,
  scheduleIdleInstances,
  type ReconciliationRow,
  type ReconciliationState,
} from "./reconciliation-repository.js";
export { reconciliationReport, type DifferenceView, type ReconciliationView } from "./reconciliation-report.js";
export { DEFAULT_RECONCILE_SETTINGS, reconcileSettingsFromConfig, retryDelayMs, type ReconcileSettings } from "./reconcile-settings.js";
export { attemptReconciliation, createReconcileWorker, type AttemptResult, type ReconcileWorker, type ReconcileWorkerOptions } from "./reconcile-worker.js";
export { reconcileInstances, ReconcileSelectionError, type ReconcileResult, type ReconcileSelection } from "./reconcile-instances.js";
