import type { Kysely } from "kysely";
import type { RegistrationEvent } from "../core/index.js";
import type { WriteStats } from "../store/derived/index.js";
import type { Database } from "../store/index.js";
import { recentKeysOf } from "../store/inbox/index.js";
import { instanceKey } from "./instance-cache.js";
import { computeInstanceBatch, instanceMarks, linkLoader, writeInstances, type InstanceWriteItem } from "./instance-compute.js";
import { dropDuplicates, type Deduplicated } from "./inbox-duplicates.js";
import { markRows, rowsWithinInstanceBound } from "./inbox-rows.js";
import { normaliseRow } from "./normalise-rows.js";
import { emptySummary, instanceBatch, rebuildable, type BatchSummary, type InboxRow, type InstanceBatch, type Outcome, type PipelineContext } from "./pipeline-context.js";
import { lockInstances, withWriteTransaction } from "./write-transaction.js";

/** Most instances one batch computes (see `rowsWithinInstanceBound`). */
const maxInstancesPerBatch = 250;

/**
 * Applies the rows `take` claims, in one transaction: merges redeliveries into their events' rows
 * (`dropDuplicates`), normalises the rest into one batch per instance
 * (registrations first: a link learned there resolves the joins of the same batch), locks those
 * instances, computes each once, writes what changed and marks every row with its outcome. With
 * `rebuild` each instance starts from a new state (see `Pipeline.rebuildInstance`).
 */
export async function applyRows(ctx: PipelineContext, take: (trx: Kysely<Database>) => Promise<InboxRow[]>, rebuild = false): Promise<BatchSummary> {
  const started = performance.now();
  const touched = new Set<string>();
  let received: InboxRow[] = [];
  let processedAt = 0;
  const summary = emptySummary();
  let moves: Deduplicated["moves"] = [];
  try {
    await withWriteTransaction(ctx.store, async (trx) => {
      const deduplicated = await dropDuplicates(ctx, trx, await take(trx));
      received = deduplicated.rows;
      moves = deduplicated.moves;
      if (!rebuild) {
        const { kept, deferred } = rowsWithinInstanceBound(received, maxInstancesPerBatch);
        received = kept;
        summary.deferred = deferred;
      }
      // Rows left for a later batch (their instance past the bound, or their event's row held elsewhere) stay pending.
      summary.claimed = received.length + deduplicated.duplicates;
      summary.duplicate = deduplicated.duplicates;
      if (received.length === 0) return;
      const { outcomes, batches, registrations } = normaliseBatch(ctx, received);
      if (registrations.length > 0 && ctx.options.onRegistrations) await ctx.options.onRegistrations(trx, registrations);
      const keys = [...batches.keys()].sort();
      await lockInstances(trx, ctx.store.dialect, keys);
      const stats: WriteStats = { upserted: 0, deleted: 0 };
      const writes = await computeBatches(ctx, trx, keys.map((k) => batches.get(k)!), outcomes, touched, rebuild);
      await writeInstances(ctx, trx, writes, stats);
      processedAt = Date.now();
      await markRows(trx, outcomes, processedAt, received);
      summary.instances = keys.length;
      summary.rowsWritten = stats.upserted + stats.deleted;
      for (const outcome of outcomes.values()) summary[outcome.status]++;
    }, rebuildable);
  } catch (error) {
    // The transaction rolled back: cached states may hold its events. Drop them.
    for (const key of touched) ctx.cache.delete(key);
    throw error;
  }
  // The ingest of this process counts a further copy on the row that holds the event now.
  const recent = recentKeysOf(ctx.store);
  for (const { key, from, to } of moves) recent.moved(key, from, to);
  observe(ctx, summary, received, processedAt, started);
  return summary;
}

async function computeBatches(ctx: PipelineContext, trx: Kysely<Database>, batches: InstanceBatch[], outcomes: Map<number, Outcome>, touched: Set<string>, rebuild: boolean): Promise<InstanceWriteItem[]> {
  const linksOf = linkLoader(ctx, trx);
  const marks = await instanceMarks(trx, batches);
  const writes: InstanceWriteItem[] = [];
  for (const batch of batches) {
    const write = await computeInstanceBatch(ctx, trx, batch, marks.get(instanceKey(batch.accountId, batch.instanceUuid)), linksOf, outcomes, touched, rebuild);
    if (write) writes.push(write);
  }
  return writes;
}

/** The claimed rows normalised: each row's outcome so far, the rows grouped by instance, and the registrations. */
function normaliseBatch(ctx: PipelineContext, rows: readonly InboxRow[]) {
  const outcomes = new Map<number, Outcome>();
  const batches = new Map<string, InstanceBatch>();
  const registrations: RegistrationEvent[] = [];
  const batchOf = (accountId: string, instanceUuid: string): InstanceBatch => {
    const key = instanceKey(accountId, instanceUuid);
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = instanceBatch(accountId, instanceUuid)));
    return batch;
  };
  let into: InstanceBatch | undefined;
  const columnsOf = (accountId: string, instanceUuid: string) => (into = batchOf(accountId, instanceUuid)).columns;
  for (const row of rows) {
    into = undefined;
    const r = normaliseRow(row.body, columnsOf, ctx.privacy);
    if ("error" in r) {
      outcomes.set(row.id, { status: "parked", error: r.error });
      ctx.logger?.warn({ inboxId: row.id }, "pipeline: event parked, it cannot be normalised");
    } else if ("ignored" in r) {
      outcomes.set(row.id, { status: "ignored", error: r.ignored });
    } else if ("row" in r) {
      outcomes.set(row.id, { status: "done", error: null });
      into!.rowIds.push(row.id);
      into!.rows.push(r.parsed);
    } else {
      outcomes.set(row.id, { status: "done", error: null });
      if (r.event.type === "registration") registrations.push(r.event);
      else batchOf(r.event.accountId, r.event.instanceUuid).items.push({ id: row.id, event: r.event });
    }
  }
  return { outcomes, batches, registrations };
}

function observe(ctx: PipelineContext, summary: BatchSummary, received: readonly InboxRow[], processedAt: number, started: number): void {
  const metrics = ctx.metrics;
  if (!metrics || summary.claimed === 0) return;
  for (const row of received) metrics.lag.observe(Math.max(0, processedAt - row.received_at) / 1000);
  if (summary.done) metrics.processed.inc({ status: "done" }, summary.done);
  if (summary.duplicate) metrics.processed.inc({ status: "duplicate" }, summary.duplicate);
  if (summary.ignored) metrics.processed.inc({ status: "ignored" }, summary.ignored);
  if (summary.parked) {
    metrics.processed.inc({ status: "parked" }, summary.parked);
    metrics.parked.inc(summary.parked);
  }
  metrics.batchSeconds.observe((performance.now() - started) / 1000);
}
