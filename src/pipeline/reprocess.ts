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

/**
 * Rebuilds what is derived from the inbox: deletes the derived rows (of one instance, or all of
 * them, meetings included), puts the inbox rows back to `pending` (parked events are retried), then
 * runs the pipeline until idle. The result equals what incremental processing gave, because both
 * feed the same events to the same order-independent engine. Safe while servers run: their cached
 * states no longer match the instances' revisions and are rebuilt.
 *
 * @example
 * const { reset, parked } = await reprocess(store, pipelineOptionsFromConfig(config), { instanceUuid: "4444AAAiAAAAAiAiAiiAii==" });
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
  const summary = await createPipeline(store, options).runUntilIdle();
  return { ...summary, reset };
}
