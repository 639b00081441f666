import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { forTuples } from "../store/row-statements.js";
import { keyHash } from "../store/inbox/index.js";
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
 * The table holds `keyHash(key)`; a row found by hash is the event's only if its key is the same.
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
    const owner = owners.get(keyHash(row.dedupe_key))!;
    if (owner === row.id) continue;
    const rows = redelivered.get(owner);
    if (rows) rows.push(row);
    else redelivered.set(owner, [row]);
  }
  if (redelivered.size === 0) return none;
  const held = new Map(claimed.map((row) => [row.id, row]));
  const { merged, deferred } = await mergeInto(ctx, trx, redelivered, held);
  const gone = new Set([...merged, ...deferred].map(({ row }) => row.id));
  const moves = merged.map(({ row, into }) => ({ key: row.dedupe_key, from: row.id, to: into }));
  return { rows: claimed.filter((row) => !gone.has(row.id)), duplicates: merged.length, deferred: deferred.length, moves };
}

/** The row `inbox_keys` names for each key hash of `rows`: a hash not registered yet becomes its first row's in this batch. */
async function ownersOf(trx: Kysely<Database>, rows: readonly InboxRow[]): Promise<Map<number, number>> {
  const first = new Map<number, number>();
  for (const row of rows) {
    const hash = keyHash(row.dedupe_key);
    if (!first.has(hash)) first.set(hash, row.id);
  }
  const hashes = [...first.keys()].sort((a, b) => a - b);
  const owners = new Map<number, number>();
  const inserted = await forTuples<{ key_hash: number | string }>(
    trx,
    hashes.map((hash) => [hash, first.get(hash)!]),
    (values) => `insert into inbox_keys (key_hash, inbox_id) values ${values} on conflict (key_hash) do nothing returning key_hash`,
  );
  for (const { key_hash } of inserted.rows) owners.set(Number(key_hash), first.get(Number(key_hash))!);
  const registered = hashes.filter((hash) => !owners.has(hash));
  for (let i = 0; i < registered.length; i += keysPerStatement) {
    const found = await trx.selectFrom("inbox_keys").select(["key_hash", "inbox_id"]).where("key_hash", "in", registered.slice(i, i + keysPerStatement)).execute();
    for (const { key_hash, inbox_id } of found) owners.set(Number(key_hash), Number(inbox_id));
  }
  return owners;
}

/**
 * Counts each group of redeliveries on its owner row and deletes them. An owner outside the batch
 * is locked first, without waiting (PostgreSQL: a rebuild may hold it while it waits for a row of
 * this batch): one another transaction holds is left for a later batch. An owner row that no longer
 * exists (deleted by hand) hands its key to the first of its redeliveries, which is then applied.
 * A row whose key differs from its owner's only shares the hash: it is applied, unmerged.
 */
async function mergeInto(ctx: PipelineContext, trx: Kysely<Database>, redelivered: Map<number, InboxRow[]>, held: Map<number, InboxRow>): Promise<{ merged: Merged[]; deferred: Merged[] }> {
  const { keys, busy } = await lockOwners(ctx, trx, [...redelivered.keys()].filter((id) => !held.has(id)));
  const merged: Merged[] = [];
  const deferred: Merged[] = [];
  for (const [owner, rows] of redelivered) {
    if (busy.has(owner)) {
      deferred.push(...rows.map((row) => ({ row, into: owner })));
      continue;
    }
    const ownerKey = held.get(owner)?.dedupe_key ?? keys.get(owner);
    let into = owner;
    let redeliveries = rows.filter((row) => ownerKey === undefined || row.dedupe_key === ownerKey);
    if (ownerKey === undefined) {
      const [heir, ...rest] = redeliveries as [InboxRow, ...InboxRow[]];
      await trx.updateTable("inbox_keys").set({ inbox_id: heir.id }).where("key_hash", "=", keyHash(heir.dedupe_key)).execute();
      into = heir.id;
      redeliveries = rest.filter((row) => row.dedupe_key === heir.dedupe_key);
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

/** Of the owner rows outside the batch: the keys of those now locked (or, on SQLite, present), and those another transaction holds (`busy`). */
async function lockOwners(ctx: PipelineContext, trx: Kysely<Database>, ids: number[]): Promise<{ keys: Map<number, string>; busy: Set<number> }> {
  const keys = new Map<number, string>();
  const busy = new Set<number>();
  if (ids.length === 0) return { keys, busy };
  const query = trx.selectFrom("inbox_events").select(["id", "dedupe_key"]).where("id", "in", ids);
  for (const row of await (ctx.store.dialect === "postgres" ? query.forUpdate().skipLocked() : query).execute()) keys.set(Number(row.id), row.dedupe_key);
  const rest = ids.filter((id) => !keys.has(id));
  if (rest.length === 0) return { keys, busy };
  for (const row of await trx.selectFrom("inbox_events").select("id").where("id", "in", rest).execute()) busy.add(Number(row.id));
  return { keys, busy };
}
