import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ReconcileSummary } from "./attendance-differences.js";
import { wholeSeconds } from "../reports/index.js";
import { isoTime } from "../json/index.js";

/** One recorded difference, as the CLI and the HTTP API show it (seconds, not milliseconds). */
export interface DifferenceView {
  kind: "attendance" | "session_added" | "resolution_changed";
  /** User id (`attendance`) or session key (the others). */
  subject: string;
  userId: string | null;
  webhookSeconds: number | null;
  reportSeconds: number | null;
  reconciledSeconds: number | null;
  detail: Record<string, unknown>;
}

/** Where one instance's reconciliation stands and what it found. */
export interface ReconciliationView {
  accountId: string;
  instanceUuid: string;
  meetingId: string;
  state: string;
  attempts: number;
  dueAt: string;
  deadlineAt: string;
  lastError: string | null;
  endpoint: string | null;
  reportRows: number;
  newRows: number;
  fetchedAt: string | null;
  summary: ReconcileSummary | null;
  differences: DifferenceView[];
}

/**
 * The reconciliation of one instance (of any account, or of `accountId`), with its differences;
 * undefined when none was ever scheduled. The library function behind `rollcall reconcile` output
 * and the future `/api/v1` endpoint.
 */
export async function reconciliationReport(db: Kysely<Database>, instanceUuid: string, accountId?: string): Promise<ReconciliationView | undefined> {
  let query = db.selectFrom("reconciliations").selectAll().where("instance_uuid", "=", instanceUuid);
  if (accountId !== undefined) query = query.where("account_id", "=", accountId);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const differences = await db
    .selectFrom("reconcile_differences")
    .selectAll()
    .where("account_id", "=", row.account_id)
    .where("instance_uuid", "=", row.instance_uuid)
    .orderBy("kind")
    .orderBy("subject")
    .execute();
  const seconds = (ms: number | null) => (ms === null ? null : wholeSeconds(Number(ms)));
  const iso = isoTime;
  return {
    accountId: row.account_id,
    instanceUuid: row.instance_uuid,
    meetingId: row.meeting_id,
    state: row.state,
    attempts: Number(row.attempts),
    dueAt: iso(row.due_at)!,
    deadlineAt: iso(row.deadline_at)!,
    lastError: row.last_error,
    endpoint: row.endpoint,
    reportRows: Number(row.report_rows),
    newRows: Number(row.new_rows),
    fetchedAt: iso(row.fetched_at),
    summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as ReconcileSummary),
    differences: differences.map((d) => ({
      kind: d.kind as DifferenceView["kind"],
      subject: d.subject,
      userId: d.user_id,
      webhookSeconds: seconds(d.webhook_ms),
      reportSeconds: seconds(d.report_ms),
      reconciledSeconds: seconds(d.reconciled_ms),
      detail: JSON.parse(d.detail_json) as Record<string, unknown>,
    })),
  };
}
