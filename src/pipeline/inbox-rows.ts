import { sql, type Kysely } from "kysely";
import { dataErrorReason, type Database } from "../store/index.js";
import { emptySummary, type BatchSummary, type InboxRow, type Outcome, type PipelineContext } from "./pipeline-context.js";
import { paddedList } from "../store/row-statements.js";
import { dropDuplicates } from "./inbox-duplicates.js";
import type { Partition } from "./worker-slots.js";
import { withWriteTransaction } from "./write-transaction.js";

/** Which pending rows a batch takes; by default the oldest of any instance. */
export interface ClaimScope {
  /** Only rows of this instance (`null`: rows without one, such as registrations; absent: any). */
  instanceUuid?: string | null;
  /** Most rows to take (default: the pipeline's `batchSize`). */
  limit?: number;
  /** PostgreSQL, several workers: only rows of this worker's instances (see `joinWorkerSlots`), and any row left untaken for two minutes. */
  partition?: Partition;
}

/** Rows older than this go to any worker, whatever their partition: a worker that hangs must not strand its instances. */
const partitionGraceMs = 120_000;

/** What a batch reads of each row it claims. */
export const claimedColumns = ["id", "body", "received_at", "dedupe_key", "deliveries", "instance_uuid"] as const;

/** Takes pending rows for a batch, oldest first; on PostgreSQL rows another process holds are skipped, not waited for. */
export async function claimRows(ctx: PipelineContext, trx: Kysely<Database>, scope: ClaimScope | undefined): Promise<InboxRow[]> {
  let query = trx.selectFrom("inbox_events").select(claimedColumns).where("status", "=", "pending");
  if (scope?.instanceUuid !== undefined) query = scope.instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", scope.instanceUuid);
  const partition = scope?.partition;
  if (ctx.store.dialect === "postgres" && partition !== undefined && partition.count > 1) {
    const { index, count } = partition;
    const mine = sql<boolean>`((hashtext(coalesce(instance_uuid, ''))::bigint % ${count}) + ${count}) % ${count} = ${index}`;
    query = query.where((eb) => eb.or([mine, eb("received_at", "<", Date.now() - partitionGraceMs)]));
  }
  query = query.orderBy("id").limit(scope?.limit ?? ctx.batchSize);
  if (ctx.store.dialect === "postgres") query = query.forUpdate().skipLocked();
  return query.execute();
}

/** The ids of pending rows a batch would take, for the isolating path. */
export async function pendingIds(ctx: PipelineContext, scope: ClaimScope | undefined): Promise<number[]> {
  let query = ctx.store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending");
  if (scope?.instanceUuid !== undefined) query = scope.instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", scope.instanceUuid);
  return (await query.orderBy("id").limit(scope?.limit ?? ctx.batchSize).execute()).map((r) => r.id);
}

/** Takes the given pending rows (the isolating path). */
export async function claimIds(ctx: PipelineContext, trx: Kysely<Database>, ids: number[]): Promise<InboxRow[]> {
  let query = trx.selectFrom("inbox_events").select(claimedColumns).where("status", "=", "pending").where("id", "in", ids).orderBy("id");
  if (ctx.store.dialect === "postgres") query = query.forUpdate().skipLocked();
  return query.execute();
}

/**
 * The rows of the first `maxInstances` instances among `rows` (in their order; rows without an
 * instance always), and how many rows were left for a later batch. A batch's work, its time on the
 * event loop and what it keeps alive until it commits grow with the instances it touches: a
 * backlog over thousands of small meetings is taken a bounded slice at a time. An instance's rows
 * stay in order: all of them are taken, or none.
 */
export function rowsWithinInstanceBound(rows: readonly InboxRow[], maxInstances: number): { kept: InboxRow[]; deferred: number } {
  const instances = new Set<string>();
  const kept: InboxRow[] = [];
  for (const row of rows) {
    const uuid = row.instance_uuid;
    if (uuid !== null && uuid !== undefined && !instances.has(uuid)) {
      if (instances.size >= maxInstances) continue;
      instances.add(uuid);
    }
    kept.push(row);
  }
  return { kept, deferred: rows.length - kept.length };
}

/** Marks each claimed row with its outcome; a rebuild's row whose outcome stays the same is left as it is. */
export async function markRows(trx: Kysely<Database>, outcomes: Map<number, Outcome>, processedAt: number, claimed: readonly InboxRow[]): Promise<void> {
  const plain = new Map<"done" | "ignored", number[]>([
    ["done", []],
    ["ignored", []],
  ]);
  // Rewriting every row, body and all, was most of a rebuild's writing.
  const unchanged = new Set<number>();
  for (const row of claimed) {
    const outcome = row.status === undefined ? undefined : outcomes.get(row.id);
    if (outcome !== undefined && outcome.status === row.status && outcome.error === (row.error ?? null)) unchanged.add(row.id);
  }
  for (const [id, outcome] of outcomes) {
    if (unchanged.has(id)) continue;
    if (outcome.status !== "parked" && outcome.error === null) plain.get(outcome.status)!.push(id);
    else await trx.updateTable("inbox_events").set({ status: outcome.status, error: outcome.error, processed_at: processedAt }).where("id", "=", id).execute();
  }
  for (const [status, ids] of plain) {
    for (let i = 0; i < ids.length; i += 10_000) {
      await trx.updateTable("inbox_events").set({ status, error: null, processed_at: processedAt }).where("id", "in", paddedList(ids.slice(i, i + 10_000))).execute();
    }
  }
}

/**
 * Parks one row the database refuses (a value it cannot hold), alone, with the reason. Its key is
 * registered as any claimed row's is (or, when another row holds its event, it is merged there
 * instead), so a redelivery of it is merged into it later rather than applied beside it.
 */
export async function parkRefused(ctx: PipelineContext, id: number, error: unknown): Promise<BatchSummary> {
  const outcome = await withWriteTransaction(ctx.store, async (trx) => {
    const { rows, duplicates } = await dropDuplicates(ctx, trx, await claimIds(ctx, trx, [id]));
    if (rows.length === 0) return { parked: 0, duplicates };
    await trx.updateTable("inbox_events").set({ status: "parked", error: `store failed: ${dataErrorReason(error)}`, processed_at: Date.now() }).where("id", "=", id).execute();
    return { parked: 1, duplicates };
  });
  const e = error as { code?: string };
  if (outcome.parked > 0) ctx.logger?.warn({ inboxId: id, errorCode: e.code ?? "data" }, "pipeline: event parked, the database refuses a value it carries");
  if (ctx.metrics) {
    if (outcome.parked > 0) ctx.metrics.processed.inc({ status: "parked" }, outcome.parked);
    if (outcome.parked > 0) ctx.metrics.parked.inc(outcome.parked);
    if (outcome.duplicates > 0) ctx.metrics.processed.inc({ status: "duplicate" }, outcome.duplicates);
  }
  return { ...emptySummary(), claimed: outcome.parked + outcome.duplicates, parked: outcome.parked, duplicate: outcome.duplicates };
}
