import type { Kysely } from "kysely";
import { EventColumnsBuilder } from "../core/index.js";
import { isDataError, type Database, type RollcallDatabase } from "../store/index.js";
import { applyRows } from "./apply-rows.js";
import { claimedColumns, claimIds, claimRows, parkRefused, pendingIds, type ClaimScope } from "./inbox-rows.js";
import { instanceKey } from "./instance-cache.js";
import { computeInstanceBatch, instanceLinkLoader, instanceMarks, writeInstances } from "./instance-compute.js";
import { addSummary, derivedTables, emptySummary, pipelineContext, rebuildable, type BatchSummary, type InboxRow, type PipelineContext } from "./pipeline-context.js";
import type { PipelineOptions } from "./pipeline-options.js";
import { tryLockInstance, withWriteTransaction } from "./write-transaction.js";

export { addSummary, emptySummary, type BatchSummary } from "./pipeline-context.js";
export type { ClaimScope } from "./inbox-rows.js";

/** The pipeline of one process: inbox → normaliser → engine → derived tables. */
export interface Pipeline {
  /**
   * Takes up to `batchSize` pending inbox rows (oldest first; on PostgreSQL rows another process
   * holds are skipped), applies them and marks them `done`, `ignored` or `parked`, all in one
   * transaction. Each affected instance is computed once, at the cost of what its new events
   * changed. Resolves with `claimed: 0` when idle.
   */
  processInboxBatch(scope?: ClaimScope): Promise<BatchSummary>;
  /**
   * Recomputes one instance (`null`: the rows without one) from every inbox row it has, whatever
   * their status, and replaces its derived rows, in one transaction per 50,000 rows: parked rows
   * are retried, and only rows whose outcome changes are rewritten. Until it commits, readers see
   * the old rows. What `reprocess` runs per instance.
   */
  rebuildInstance(instanceUuid: string | null): Promise<RebuildSummary>;
  /**
   * Recomputes instances marked by `markInstancesForReprocessing` (links changed), at most `limit`
   * and for about 100 ms, each in its own transaction. Returns how many.
   */
  processMarkedInstances(limit?: number): Promise<number>;
  /** Runs both until nothing is pending or marked; returns the totals. */
  runUntilIdle(): Promise<BatchSummary>;
  /** Forgets every cached engine state (after `reprocess` deleted derived rows, for one). */
  clearCache(): void;
  /** Resolves once no background read of the directory's links is running. */
  settleLinks(): Promise<void>;
}

/** What a rebuild did: its batches, and how many inbox rows it took again. */
export interface RebuildSummary extends BatchSummary {
  /** Rows taken again (on the isolating fallback: rows put back to pending, which a server may process instead). */
  taken: number;
}

/** Most inbox rows of one instance per rebuild transaction (a 10,000-attendee webinar has ~30,000). */
const rowsPerRebuild = 50_000;

/**
 * Creates the pipeline over an open, migrated store. Engine states are cached per instance in
 * memory and checked against `instances.revision`, so a batch only applies its new events and
 * writes the rows they changed (`InstanceState.update`); a stale or missing entry is rebuilt from
 * the instance's `done` inbox rows and compared with its stored rows. Several processes may run it
 * on one PostgreSQL database: rows are claimed with `FOR UPDATE SKIP LOCKED` and each instance is
 * computed under an advisory lock.
 */
export function createPipeline(store: RollcallDatabase, options: PipelineOptions): Pipeline {
  const ctx = pipelineContext(store, options);
  return {
    processInboxBatch: (scope) => processInboxBatch(ctx, scope),
    rebuildInstance: (instanceUuid) => rebuildInstance(ctx, instanceUuid),
    processMarkedInstances: (limit) => processMarkedInstances(ctx, limit),
    runUntilIdle: () => runUntilIdle(ctx),
    clearCache: () => {
      ctx.cache.clear();
      ctx.links.clear();
    },
    settleLinks: () => ctx.links.settled(),
  };
}

async function processInboxBatch(ctx: PipelineContext, scope?: ClaimScope): Promise<BatchSummary> {
  try {
    return await applyRows(ctx, (trx) => claimRows(ctx, trx, scope));
  } catch (error) {
    if (!isDataError(error)) throw error; // the database's state (down, locked): retry the batch later
    // A value the database refuses (NUL, an index row too large, out of range): find the rows at
    // fault by halving, park them alone with the reason, apply everything else.
    return isolate(ctx, await pendingIds(ctx, scope));
  }
}

/** Applies `ids` (pending rows, oldest first), halving on a data error down to the single row at fault, which is parked. */
async function isolate(ctx: PipelineContext, ids: number[]): Promise<BatchSummary> {
  if (ids.length === 0) return emptySummary();
  try {
    return await applyRows(ctx, (trx) => claimIds(ctx, trx, ids));
  } catch (error) {
    if (!isDataError(error)) throw error;
    if (ids.length === 1) return parkRefused(ctx, ids[0]!, error);
    const half = Math.ceil(ids.length / 2);
    const first = await isolate(ctx, ids.slice(0, half));
    addSummary(first, await isolate(ctx, ids.slice(half)));
    return first;
  }
}

async function rebuildInstance(ctx: PipelineContext, instanceUuid: string | null): Promise<RebuildSummary> {
  const total: RebuildSummary = { ...emptySummary(), taken: 0 };
  let after = 0;
  let chunk = 0;
  for (let first = true; ; first = false) {
    let batch: BatchSummary;
    try {
      // Only the first chunk starts from nothing; later ones continue the state it cached.
      batch = await applyRows(
        ctx,
        async (trx) => {
          const rows = await rebuildChunk(ctx, trx, instanceUuid, after);
          if (rows.length > 0) after = rows[rows.length - 1]!.id;
          chunk = rows.length;
          return rows;
        },
        first,
      );
    } catch (error) {
      if (!isDataError(error)) throw error;
      // A value the database refuses: this instance goes the pending way, which isolates the row at fault.
      const reset = await rebuildByResetting(ctx, instanceUuid);
      addSummary(total, reset);
      total.taken = reset.taken;
      return total;
    }
    addSummary(total, batch);
    total.taken += batch.claimed;
    // By the rows read, not those applied: redeliveries merged away leave a full chunk short.
    if (chunk < rowsPerRebuild) return total;
  }
}

/**
 * The next chunk of an instance's rows, whatever their status. Waits for rows a server's batch
 * holds (no SKIP LOCKED): once it commits they are read as it left them, so the rebuild holds every
 * row of the instance. Row locks come before the instance lock, as in a server's batch, so the two
 * cannot deadlock.
 */
async function rebuildChunk(ctx: PipelineContext, trx: Kysely<Database>, instanceUuid: string | null, after: number): Promise<InboxRow[]> {
  let query = trx.selectFrom("inbox_events").select([...claimedColumns, "status", "error"]).where("id", ">", after);
  query = instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", instanceUuid);
  query = query.orderBy("id").limit(rowsPerRebuild);
  if (ctx.store.dialect === "postgres") query = query.forUpdate();
  return query.execute();
}

/** The slow, isolating way to rebuild one instance: derived rows deleted, its rows back to pending, then processed. */
async function rebuildByResetting(ctx: PipelineContext, instanceUuid: string | null): Promise<RebuildSummary> {
  const taken = await withWriteTransaction(ctx.store, async (trx) => {
    if (instanceUuid !== null) for (const table of derivedTables) await trx.deleteFrom(table).where("instance_uuid", "=", instanceUuid).execute();
    let update = trx.updateTable("inbox_events").set({ status: "pending", error: null, processed_at: null });
    update = instanceUuid === null ? update.where("instance_uuid", "is", null) : update.where("instance_uuid", "=", instanceUuid);
    return Number((await update.executeTakeFirst()).numUpdatedRows);
  });
  const total: RebuildSummary = { ...emptySummary(), taken };
  for (;;) {
    const batch = await processInboxBatch(ctx, { instanceUuid, limit: rowsPerRebuild });
    addSummary(total, batch);
    if (batch.claimed === 0) return total;
  }
}

/** Re-resolution stops taking instances after this long, so the worker can let requests in (see `processMarkedInstances`). */
const markedSliceMs = 100;

async function processMarkedInstances(ctx: PipelineContext, limit = 100): Promise<number> {
  const started = performance.now();
  const marked = await ctx.store.db
    .selectFrom("instances")
    .select(["account_id", "instance_uuid"])
    .where("needs_resolve", ">", 0)
    .orderBy("account_id")
    .orderBy("instance_uuid")
    .limit(limit)
    .execute();
  let done = 0;
  for (const m of marked) {
    if (await resolveMarked(ctx, m.account_id, m.instance_uuid)) done++;
    if (performance.now() - started > markedSliceMs) break;
  }
  return done;
}

/** Recomputes one marked instance with the links its sessions can match; false when someone else holds it or the mark is gone. */
async function resolveMarked(ctx: PipelineContext, accountId: string, instanceUuid: string): Promise<boolean> {
  const key = instanceKey(accountId, instanceUuid);
  const touched = new Set<string>();
  try {
    return await withWriteTransaction(ctx.store, async (trx) => {
      // Someone else holds it: they compute it with the current links anyway, or we come back.
      if (!(await tryLockInstance(trx, ctx.store.dialect, key))) return false;
      const batch = { accountId, instanceUuid, items: [], columns: new EventColumnsBuilder(1), rowIds: [], rows: [] };
      const still = (await instanceMarks(trx, [batch])).get(key);
      if (!still || still.needs_resolve <= 0) return false;
      const write = await computeInstanceBatch(ctx, trx, batch, still, instanceLinkLoader(ctx, trx, instanceUuid), new Map(), touched);
      if (write) await writeInstances(ctx, trx, [write], { upserted: 0, deleted: 0 });
      return true;
    }, rebuildable);
  } catch (error) {
    for (const k of touched) ctx.cache.delete(k);
    throw error;
  }
}

async function runUntilIdle(ctx: PipelineContext): Promise<BatchSummary> {
  const total = emptySummary();
  for (;;) {
    const batch = await processInboxBatch(ctx);
    addSummary(total, batch);
    const resolved = batch.claimed === 0 && batch.deferred === 0 ? await processMarkedInstances(ctx) : 0;
    total.instances += resolved;
    if (batch.claimed === 0 && batch.deferred === 0 && resolved === 0) return total;
  }
}
