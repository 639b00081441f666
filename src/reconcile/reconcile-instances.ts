import type { RollcallDatabase } from "../store/index.js";
import { ZoomApiError, ZoomNetworkError, ZoomRateLimitError, ZoomReportNotReadyError } from "../zoom/api/index.js";
import { reconcileInstance, type ReconcileContext, type ReconcileOutcome } from "./reconcile-instance.js";
import type { ReconcileSettings } from "./reconcile-settings.js";
import { beginManualReconciliation, giveUpReconciliation, rescheduleReconciliation } from "./reconciliation-repository.js";

/** Which instances `rollcall reconcile` takes. */
export interface ReconcileSelection {
  /** The Zoom account the credentials belong to; only its instances are reconciled. */
  accountId: string;
  /** One instance (`object.uuid`). */
  instanceUuid?: string;
  /** Instances that ended in [from, to) (epoch ms). */
  from?: number;
  to?: number;
  /** Reconcile instances already `finalized` again too. */
  force?: boolean;
}

/** What happened to one selected instance. */
export type ReconcileResult =
  | { instanceUuid: string; status: "finalized"; outcome: ReconcileOutcome }
  | { instanceUuid: string; status: "skipped"; reason: string }
  | { instanceUuid: string; status: "not_ready" | "failed"; reason: string }
  /** Zoom rate-limited (429) or was down: left `scheduled`, due again at `retryAt` (epoch ms) for the worker. */
  | { instanceUuid: string; status: "rate_limited" | "unavailable"; reason: string; retryAt: number };

/** Thrown when the selection names nothing Rollcall knows. */
export class ReconcileSelectionError extends Error {
  override name = "ReconcileSelectionError";
}

/**
 * Reconciles the selected instances now, one after another, whatever their schedule says: the
 * library side of `rollcall reconcile`. Instances already `finalized` are skipped unless `force`;
 * a report Zoom does not have yet, a 429 (due again at Zoom's `retryAt`, as the worker does) or an
 * outage leaves the instance scheduled for the worker to retry; other Zoom refusals mark it `failed`.
 */
export async function reconcileInstances(store: RollcallDatabase, context: ReconcileContext, selection: ReconcileSelection, settings: ReconcileSettings): Promise<ReconcileResult[]> {
  const now = context.now ?? Date.now;
  let query = store.db
    .selectFrom("instances as i")
    .leftJoin("reconciliations as r", (join) => join.onRef("r.account_id", "=", "i.account_id").onRef("r.instance_uuid", "=", "i.instance_uuid"))
    .select(["i.instance_uuid", "i.meeting_id", "i.product", "i.status", "i.end_time", "r.state"])
    .where("i.account_id", "=", selection.accountId)
    .orderBy("i.end_time")
    .orderBy("i.instance_uuid");
  if (selection.instanceUuid !== undefined) query = query.where("i.instance_uuid", "=", selection.instanceUuid);
  if (selection.from !== undefined) query = query.where("i.end_time", ">=", selection.from);
  if (selection.to !== undefined) query = query.where("i.end_time", "<", selection.to);
  const instances = await query.execute();
  if (selection.instanceUuid !== undefined && instances.length === 0) {
    throw new ReconcileSelectionError(
      `--instance: no instance "${selection.instanceUuid}" of account "${selection.accountId}" is known; Rollcall reconciles instances it received webhooks for`,
    );
  }
  const results: ReconcileResult[] = [];
  for (const i of instances) {
    const key = { accountId: selection.accountId, instanceUuid: i.instance_uuid };
    if (i.state === "finalized" && !selection.force) {
      results.push({ instanceUuid: i.instance_uuid, status: "skipped", reason: "already finalized (use --force to fetch the report again)" });
      continue;
    }
    await beginManualReconciliation(store.db, { ...key, meetingId: i.meeting_id }, { now: now(), delayMs: 0, deadlineMs: settings.deadlineMs });
    try {
      const outcome = await reconcileInstance(store, { ...key, meetingId: i.meeting_id, product: i.product === "webinar" ? "webinar" : "meeting" }, context);
      results.push({ instanceUuid: i.instance_uuid, status: "finalized", outcome });
    } catch (error) {
      if (error instanceof ZoomReportNotReadyError) {
        // The worker of a running `rollcall serve` picks it up again from here.
        await rescheduleReconciliation(store.db, key, now() + settings.retryMs, error.message, now());
        results.push({ instanceUuid: i.instance_uuid, status: "not_ready", reason: `Zoom has no report yet (meeting not ended, or the report is still being prepared): ${error.message}` });
      } else if (error instanceof ZoomRateLimitError) {
        // Same rule as the worker: come back when Zoom says, never sooner than one retry step.
        const at = now();
        const retryAt = Math.max(error.retryAt ?? 0, at + settings.retryMs);
        await rescheduleReconciliation(store.db, key, retryAt, error.message, at);
        const limit = error.rateLimitType ? ` (${error.rateLimitType})` : "";
        results.push({ instanceUuid: i.instance_uuid, status: "rate_limited", retryAt, reason: `Zoom's rate limit${limit}; left scheduled, due again at ${new Date(retryAt).toISOString()} (the worker of \`rollcall serve\` retries it then): ${error.message}` });
      } else if (error instanceof ZoomNetworkError || (error instanceof ZoomApiError && error.status >= 500)) {
        const at = now();
        const retryAt = at + settings.retryMs;
        await rescheduleReconciliation(store.db, key, retryAt, error.message, at);
        results.push({ instanceUuid: i.instance_uuid, status: "unavailable", retryAt, reason: `Zoom did not answer; left scheduled, due again at ${new Date(retryAt).toISOString()} (the worker of \`rollcall serve\` retries it then): ${error.message}` });
      } else if (error instanceof ZoomApiError) {
        await giveUpReconciliation(store.db, key, "failed", error.message, now());
        results.push({ instanceUuid: i.instance_uuid, status: "failed", reason: error.message });
      } else {
        throw error;
      }
    }
  }
  return results;
}
