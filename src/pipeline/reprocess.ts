import type { RollcallDatabase } from "../store/index.js";
import { addSummary, createPipeline, emptySummary, type BatchSummary } from "./create-pipeline.js";
import type { PipelineOptions } from "./pipeline-options.js";

export interface ReprocessOptions {
  /** Only this instance (`object.uuid`); default: everything. */
  instanceUuid?: string;
}

export interface ReprocessResult extends BatchSummary {
  /** Inbox rows taken again (parked and ignored ones included). */
  reset: number;
}

/**
 * Rebuilds what is derived from the inbox, instance by instance (of one instance, or all of them):
 * the rows without an instance first (registrations may teach links), then each instance from every
 * inbox row it has, whatever their status (`Pipeline.rebuildInstance`: parked events are retried,
 * the derived rows replaced in the same transaction, so readers never see an instance half gone and
 * an interrupted reprocess leaves the old rows of the instances it did not reach); finally until
 * idle (rows that arrived meanwhile, instances marked for re-resolution). The result equals what
 * incremental processing gave, because both feed the same events to the same order-independent
 * engine. Safe while servers run: their cached states no longer match the instances' revisions and
 * are rebuilt.
 */
export async function reprocess(store: RollcallDatabase, options: PipelineOptions, scope: ReprocessOptions = {}): Promise<ReprocessResult> {
  const pipeline = createPipeline(store, options);
  const summary = emptySummary();
  const add = (batch: BatchSummary) => addSummary(summary, batch);
  const scopes: Array<string | null> = [];
  if (scope.instanceUuid === undefined) {
    scopes.push(null);
    const instances = await store.db.selectFrom("inbox_events").select("instance_uuid").distinct().where("instance_uuid", "is not", null).execute();
    for (const row of instances) scopes.push(row.instance_uuid);
    scopes.sort((a, b) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0));
  } else scopes.push(scope.instanceUuid);
  let reset = 0;
  for (const instanceUuid of scopes) {
    const rebuilt = await pipeline.rebuildInstance(instanceUuid);
    add(rebuilt);
    reset += rebuilt.taken;
  }
  add(await pipeline.runUntilIdle());
  return { ...summary, reset };
}
