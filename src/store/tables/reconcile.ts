/**
 * Reconciliation with Zoom's participant reports (`src/reconcile`): one row per instance
 * saying where its reconciliation stands, and the differences it found between what webhooks said
 * and what the report says. The report rows themselves live in the inbox (event
 * `rollcall.report_participant`), the source of truth; these tables only record the process and its
 * findings, so `rollcall reprocess` leaves them alone. Times are epoch milliseconds.
 */

/** Where one instance's reconciliation stands. */
export interface ReconciliationTable {
  account_id: string;
  instance_uuid: string;
  meeting_id: string;
  /**
   * `scheduled` (waiting for `due_at`; also while Zoom says the report is not ready),
   * `finalized` (report fetched and merged), `failed` (a Zoom error that retrying will not fix)
   * or `expired` (the report never became ready before `deadline_at`).
   */
  state: string;
  /** When the next attempt may start; a claimed attempt pushes it forward by a lease. */
  due_at: number;
  /** After this, "not ready" answers stop the retries (`expired`). */
  deadline_at: number;
  attempts: number;
  /** The last failure (Zoom's status, code and message; never a token), or null. */
  last_error: string | null;
  /** `report` (`/report/meetings/…`) or `past_meetings` (the fallback), once fetched. */
  endpoint: string | null;
  /** Rows the report held at the last fetch. */
  report_rows: number;
  /** Of those, rows new to the inbox (0 on an identical re-run). */
  new_rows: number;
  fetched_at: number | null;
  /** JSON `ReconcileSummary`: counts of the differences recorded below. */
  summary_json: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * One difference between webhook-derived and reconciled attendance, replaced on every run.
 * `kind`: `attendance` (a user's seconds changed, or the user appeared or vanished),
 * `session_added` (a session only the report knew), `resolution_changed` (a session now resolves
 * to another user or by another method). `subject` is the user id or session key.
 */
export interface ReconcileDifferenceTable {
  account_id: string;
  instance_uuid: string;
  kind: string;
  subject: string;
  /** The app's `externalId` concerned, when known. */
  user_id: string | null;
  /** Milliseconds attended from webhooks alone (null: the user was not there by webhooks). */
  webhook_ms: number | null;
  /** Milliseconds attended from the report alone. */
  report_ms: number | null;
  /** Milliseconds attended after merging both (what attendance now says). */
  reconciled_ms: number | null;
  /** JSON with the details of the change (methods, session keys, sessions counts). */
  detail_json: string;
}

export interface ReconcileTables {
  reconciliations: ReconciliationTable;
  reconcile_differences: ReconcileDifferenceTable;
}
