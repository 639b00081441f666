import type { RollcallDatabase } from "../store/index.js";
import { createPipeline, type BatchSummary } from "./create-pipeline.js";
import type { PipelineOptions } from "./pipeline-options.js";
import { withWriteTransaction } from "./write-transaction.js";

/** The derived tables `reprocess` empties, children first. */
const derivedTables = ["attendance", "session_resolutions", "session_identifiers", "participant_sessions", "instances"] as const;

export interface ReprocessOptions {
  /** Only this instance (`object.uuid`); default: everything. */
  instanceUuid?: string;
}

export interface ReprocessResult extends BatchSummary {
  /** Inbox rows put back to `pending` (parked and ignored ones included). */
  reset: number;
}

/** Most inbox rows of one instance per transaction while reprocessing (a 10,000-attendee webinar has ~30,000). */
const rowsPerInstanceBatch = 50_000;

/**
 * Rebuilds what is derived from the inbox: deletes the derived rows (of one instance, or all of
 * them, meetings included), puts the inbox rows back to `pending` (parked events are retried), then
 * runs the pipeline over them instance by instance: rows without an instance first (registrations
 * may teach links), then each instance's rows in one batch (up to 50,000), so each instance is
 * computed and written once instead of once per 2,000-row batch; finally until idle (rows that
 * arrived meanwhile, instances marked for re-resolution). The result equals what incremental processing gave, because both
 * feed the same events to the same order-independent engine. Safe while servers run: their cached
 * states no longer match the instances' revisions and are rebuilt.
 */
export async function reprocess(store: RollcallDatabase, options: PipelineOptions, scope: ReprocessOptions = {}): Promise<ReprocessResult> {
  const reset = await withWriteTransaction(store, async (trx) => {
    for (const table of derivedTables) {
      let query = trx.deleteFrom(table);
      if (scope.instanceUuid !== undefined) query = query.where("instance_uuid", "=", scope.instanceUuid);
      await query.execute();
    }
    if (scope.instanceUuid === undefined) await trx.deleteFrom("meetings").execute();
    let update = trx.updateTable("inbox_events").set({ status: "pending", error: null, processed_at: null });
    if (scope.instanceUuid !== undefined) update = update.where("instance_uuid", "=", scope.instanceUuid);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
  const pipeline = createPipeline(store, options);
  const summary: BatchSummary = { claimed: 0, done: 0, ignored: 0, parked: 0, instances: 0, rowsWritten: 0 };
  const add = (batch: BatchSummary) => {
    for (const k of Object.keys(summary) as Array<keyof BatchSummary>) summary[k] += batch[k];
  };
  const scopes: Array<string | null> = [];
  if (scope.instanceUuid === undefined) {
    scopes.push(null);
    const pending = await store.db.selectFrom("inbox_events").select("instance_uuid").distinct().where("status", "=", "pending").where("instance_uuid", "is not", null).execute();
    for (const row of pending) scopes.push(row.instance_uuid);
    scopes.sort((a, b) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0));
  } else scopes.push(scope.instanceUuid);
  for (const instanceUuid of scopes) {
    for (;;) {
      const batch = await pipeline.processInboxBatch({ instanceUuid, limit: rowsPerInstanceBatch });
      add(batch);
      if (batch.claimed === 0) break;
    }
  }
  add(await pipeline.runUntilIdle());
  return { ...summary, reset };
}
