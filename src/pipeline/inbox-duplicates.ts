import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { InboxRow, PipelineContext } from "./pipeline-context.js";

/** What is left of a claimed batch once its redeliveries are merged away. */
export interface Deduplicated {
  /** The rows to apply, in claim order. */
  rows: InboxRow[];
  /** Rows that were redeliveries: counted on their event's row and deleted. */
  duplicates: number;
  /** Redeliveries whose event's row another transaction holds (PostgreSQL): left pending for a later batch. */
  deferred: number;
  /** Each merged row's key, id and the row it was merged into (for `RecentKeys.moved`, once committed). */
  moves: Array<{ key: string; from: number; to: number }>;
}

/** Keys per statement: a bind parameter each (two for an insert), far below either database's limit. */
const keysPerStatement = 1000;

/**
 * Merges the redeliveries of a claimed batch into the rows that hold their events, after the answer
 * to Zoom (the inbox keeps no unique key, see migration 0015): a row whose content key belongs to
 * another row (applied earlier, or earlier in this batch) adds its deliveries to that row and is
 * deleted, so it never reaches the engine and every event is one row, as before.
 *
 * Why a key table (`inbox_keys`) and not the worker partition by instance: two copies of one event
 * share an instance, so one worker usually claims both, but a row left for two minutes goes to any
 * worker and the number of workers changes. Registering a key is an insert into a unique key: a
 * second worker inserting the same key waits for the first one's transaction and then finds its row
 * (or, if it rolled back, registers its own). That holds for any number of workers, with no
 * advisory lock; keys are inserted in one sorted order, so two workers never wait in a circle.
 *
 * Rows a rebuild takes that were applied before keep their keys (registered when they were
 * claimed, or by migration 0015): only pending rows are looked at.
 */
export async function dropDuplicates(ctx: PipelineContext, trx: Kysely<Database>, claimed: InboxRow[]): Promise<Deduplicated> {
  const pending = claimed.filter((row) => row.status === undefined || row.status === "pending");
  const none = { rows: claimed, duplicates: 0, deferred: 0, moves: [] };
  if (pending.length === 0) return none;
  const owners = await ownersOf(trx, pending);
  const redelivered = new Map<number, InboxRow[]>();
  for (const row of pending) {
    const owner = owners.get(row.dedupe_key)!;
    if (owner === row.id) continue;
    const rows = redelivered.get(owner);
    if (rows) rows.push(row);
    else redelivered.set(owner, [row]);
  }
  if (redelivered.size === 0) return none;
  const held = new Set(claimed.map((row) => row.id));
  const { merged, deferred } = await mergeInto(ctx, trx, redelivered, held);
  const gone = new Set([...merged, ...deferred].map(({ row }) => row.id));
  const moves = merged.map(({ row, into }) => ({ key: row.dedupe_key, from: row.id, to: into }));
  return { rows: claimed.filter((row) => !gone.has(row.id)), duplicates: merged.length, deferred: deferred.length, moves };
}

/** The row holding each key's event: a key not registered yet becomes its first row's in this batch. */
async function ownersOf(trx: Kysely<Database>, rows: readonly InboxRow[]): Promise<Map<string, number>> {
  const first = new Map<string, number>();
  for (const row of rows) if (!first.has(row.dedupe_key)) first.set(row.dedupe_key, row.id);
  const keys = [...first.keys()].sort();
  const owners = new Map<string, number>();
  for (let i = 0; i < keys.length; i += keysPerStatement) {
    const chunk = keys.slice(i, i + keysPerStatement);
    const inserted = await trx
      .insertInto("inbox_keys")
      .values(chunk.map((key) => ({ dedupe_key: key, inbox_id: first.get(key)! })))
      .onConflict((conflict) => conflict.column("dedupe_key").doNothing())
      .returning("dedupe_key")
      .execute();
    for (const { dedupe_key } of inserted) owners.set(dedupe_key, first.get(dedupe_key)!);
  }
  const registered = keys.filter((key) => !owners.has(key));
  for (let i = 0; i < registered.length; i += keysPerStatement) {
    const found = await trx.selectFrom("inbox_keys").select(["dedupe_key", "inbox_id"]).where("dedupe_key", "in", registered.slice(i, i + keysPerStatement)).execute();
    for (const { dedupe_key, inbox_id } of found) owners.set(dedupe_key, Number(inbox_id));
  }
  return owners;
}

/**
 * Counts each group of redeliveries on its owner row and deletes them. An owner outside the batch
 * is locked first, without waiting (PostgreSQL: a rebuild may hold it while it waits for a row of
 * this batch): one another transaction holds is left for a later batch. An owner row that no longer
 * exists (deleted by hand) hands its key to the first of its redeliveries, which is then applied.
 */
async function mergeInto(ctx: PipelineContext, trx: Kysely<Database>, redelivered: Map<number, InboxRow[]>, held: Set<number>): Promise<{ merged: Merged[]; deferred: Merged[] }> {
  const { busy, missing } = await lockOwners(ctx, trx, [...redelivered.keys()].filter((id) => !held.has(id)));
  const merged: Merged[] = [];
  const deferred: Merged[] = [];
  for (const [owner, rows] of redelivered) {
    if (busy.has(owner)) {
      deferred.push(...rows.map((row) => ({ row, into: owner })));
      continue;
    }
    let into = owner;
    let redeliveries = rows;
    if (missing.has(owner)) {
      const [heir, ...rest] = rows as [InboxRow, ...InboxRow[]];
      await trx.updateTable("inbox_keys").set({ inbox_id: heir.id }).where("dedupe_key", "=", heir.dedupe_key).execute();
      into = heir.id;
      redeliveries = rest;
    }
    if (redeliveries.length > 0) await countOn(trx, into, redeliveries);
    merged.push(...redeliveries.map((row) => ({ row, into })));
  }
  const ids = merged.map(({ row }) => row.id);
  for (let i = 0; i < ids.length; i += keysPerStatement) await trx.deleteFrom("inbox_events").where("id", "in", ids.slice(i, i + keysPerStatement)).execute();
  return { merged, deferred };
}

/** A redelivery, and the row it is counted on. */
interface Merged {
  row: InboxRow;
  into: number;
}

/** Adds the deliveries of `rows` to the owner row's count. */
async function countOn(trx: Kysely<Database>, owner: number, rows: readonly InboxRow[]): Promise<void> {
  const deliveries = rows.reduce((sum, row) => sum + Number(row.deliveries), 0);
  await trx
    .updateTable("inbox_events")
    .set((eb) => ({ deliveries: eb("deliveries", "+", deliveries) }))
    .where("id", "=", owner)
    .execute();
}

/** Of the owner rows outside the batch: those another transaction holds (`busy`), and those that are gone. */
async function lockOwners(ctx: PipelineContext, trx: Kysely<Database>, ids: number[]): Promise<{ busy: Set<number>; missing: Set<number> }> {
  const none = { busy: new Set<number>(), missing: new Set<number>() };
  if (ids.length === 0) return none;
  const query = trx.selectFrom("inbox_events").select("id").where("id", "in", ids);
  const available = new Set((await (ctx.store.dialect === "postgres" ? query.forUpdate().skipLocked() : query).execute()).map((row) => Number(row.id)));
  const rest = ids.filter((id) => !available.has(id));
  if (rest.length === 0) return none;
  const existing = new Set((await trx.selectFrom("inbox_events").select("id").where("id", "in", rest).execute()).map((row) => Number(row.id)));
  return { busy: existing, missing: new Set(rest.filter((id) => !existing.has(id))) };
}
