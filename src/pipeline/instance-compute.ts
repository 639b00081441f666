import type { Kysely } from "kysely";
import { buildLinkIndex, computeInstance, createInstanceState, EventColumnsBuilder, type InstanceState, type InstanceUpdate, type LinkIndex, type NormalisedEvent } from "../core/index.js";
import { resultOfCompleteUpdate, rowChangesOfUpdate, storedRowChanges, writeInstanceRowChanges, type InstanceWrite, type WriteStats } from "../store/derived/index.js";
import { forTuples } from "../store/row-statements.js";
import type { Database } from "../store/index.js";
import { instanceKey, type CachedInstance } from "./instance-cache.js";
import type { BatchLinks } from "./link-cache.js";
import { discard, eventObject, normaliseRow } from "./normalise-rows.js";
import { derivedTables, type InstanceBatch, type Outcome, type PipelineContext } from "./pipeline-context.js";

/** The `instances` columns a batch reads before computing. */
export interface InstanceMarks {
  revision: number;
  needs_resolve: number;
}

/** A computed instance waiting for the batch's write. */
export interface InstanceWriteItem {
  key: string;
  accountId: string;
  state: InstanceState;
  update: InstanceUpdate;
  write: InstanceWrite;
}

/** Each account's links for a batch: asked for once per batch (kept between batches by `ctx.links`). */
export function linkLoader(ctx: PipelineContext, trx: Kysely<Database>): (accountId: string) => Promise<BatchLinks> {
  const loaded = new Map<string, Promise<BatchLinks>>();
  return (accountId) => {
    let links = loaded.get(accountId);
    if (!links) loaded.set(accountId, (links = ctx.links.forBatch(trx, accountId)));
    return links;
  };
}

/**
 * The links a marked instance (links changed) is re-resolved with: those its stored sessions can
 * match, when the directory can say (`loadInstanceLinks`), else its account's.
 */
export function instanceLinkLoader(ctx: PipelineContext, trx: Kysely<Database>, instanceUuid: string): (accountId: string) => Promise<BatchLinks> {
  const load = ctx.options.loadInstanceLinks;
  if (!load) return linkLoader(ctx, trx);
  return async (accountId) => ({ index: buildLinkIndex(await load(trx, accountId, instanceUuid, ctx.namePattern)), current: true });
}

/** The `instances` rows (revision, marks) of the given instances, by key: one query per batch. */
export async function instanceMarks(trx: Kysely<Database>, batches: ReadonlyArray<{ accountId: string; instanceUuid: string }>): Promise<Map<string, InstanceMarks>> {
  const found = await forTuples<{ account_id: string; instance_uuid: string; revision: number; needs_resolve: number }>(
    trx,
    batches.map((b) => [b.accountId, b.instanceUuid]),
    (v) => `select account_id, instance_uuid, revision, needs_resolve from instances where (account_id, instance_uuid) in (values ${v})`,
  );
  return new Map(found.rows.map((r) => [instanceKey(r.account_id, r.instance_uuid), { revision: Number(r.revision), needs_resolve: Number(r.needs_resolve) }]));
}

/**
 * Applies an instance's new events to its state (cached, else rebuilt from its `done` rows; new
 * with `rebuild`) and asks the engine what changed, with every session re-resolved when the
 * instance is marked (its links changed). Returns what must be written, or nothing when the engine
 * keeps nothing of the events. Events that make the engine throw are parked one by one.
 */
export async function computeInstanceBatch(
  ctx: PipelineContext,
  trx: Kysely<Database>,
  batch: InstanceBatch,
  row: InstanceMarks | undefined,
  linksOf: (accountId: string) => Promise<BatchLinks>,
  outcomes: Map<number, Outcome>,
  touched: Set<string>,
  rebuild = false,
): Promise<InstanceWriteItem | undefined> {
  const key = instanceKey(batch.accountId, batch.instanceUuid);
  touched.add(key);
  const revision = row?.revision ?? 0;
  let entry: CachedInstance | undefined = rebuild ? { state: createInstanceState(), revision } : ctx.cache.get(key);
  // No `instances` row: nothing of the instance was ever kept (rows the engine kept nothing of
  // leave none), so its done rows, if any, would rebuild an empty state. Most new instances are this.
  if (entry === undefined || entry.revision !== revision) entry = { state: row === undefined ? createInstanceState() : await rebuiltState(ctx, trx, batch), revision };
  const { index: links, current } = await linksOf(batch.accountId);
  // Links of an earlier revision (see `BatchLinks`) resolve nothing for good: the marks stay, and one is added.
  const resolvedMarks = current ? (row?.needs_resolve ?? 0) : 0;
  const updateOptions = { ...ctx.engineOptions, everything: resolvedMarks > 0 };
  let update: InstanceUpdate | undefined;
  try {
    for (const item of batch.items) entry.state.apply(item.event);
    entry.state.applyColumns(batch.columns);
    if (entry.state.size > 0) update = entry.state.update(links, updateOptions);
  } catch {
    const state = await acceptedState(ctx, trx, batch, links, outcomes, rebuild);
    entry = { state, revision };
    if (state.size > 0) update = state.update(links, updateOptions);
  }
  if (update === undefined) {
    await nothingKept(trx, batch, row, rebuild);
    return undefined;
  }
  // A state's first update holds everything: the rows stored before (if any) are what it is compared with.
  const changes = update.complete && row !== undefined ? await storedRowChanges(trx, batch.accountId, resultOfCompleteUpdate(update)) : rowChangesOfUpdate(batch.accountId, update);
  return {
    key,
    accountId: batch.accountId,
    state: entry.state,
    update,
    write: { changes, options: { revision: nextRevision(revision), eventCount: entry.state.size, resolvedMarks, markAgain: !current, now: Date.now() } },
  };
}

/** Writes the computed instances of a batch together (outbox events first), then caches their states. */
export async function writeInstances(ctx: PipelineContext, trx: Kysely<Database>, writes: readonly InstanceWriteItem[], stats: WriteStats): Promise<void> {
  if (writes.length === 0) return;
  if (ctx.options.onRowChanges) await ctx.options.onRowChanges(trx, writes.map((w) => ({ accountId: w.accountId, update: w.update })));
  await writeInstanceRowChanges(trx, writes.map((w) => w.write), stats);
  for (const w of writes) ctx.cache.set(w.key, { state: w.state, revision: w.write.options.revision });
}

/** Deletes every derived row of an instance, its `instances` row last. */
export async function deleteDerived(trx: Kysely<Database>, batch: { accountId: string; instanceUuid: string }): Promise<void> {
  for (const table of derivedTables) {
    await trx.deleteFrom(table).where("account_id", "=", batch.accountId).where("instance_uuid", "=", batch.instanceUuid).execute();
  }
}

/** The engine keeps nothing of the events: a rebuild leaves nothing of the old rows; otherwise the mark must not loop. */
async function nothingKept(trx: Kysely<Database>, batch: InstanceBatch, row: InstanceMarks | undefined, rebuild: boolean): Promise<void> {
  if (!row) return;
  if (rebuild) await deleteDerived(trx, batch);
  else await trx.updateTable("instances").set({ needs_resolve: 0 }).where("account_id", "=", batch.accountId).where("instance_uuid", "=", batch.instanceUuid).execute();
}

/**
 * The engine threw: finds the culprits. The engine is pure, so replaying the applied events plus
 * each new one tells which of them it cannot take; those are parked. Rare, so the quadratic cost
 * (and event objects) are fine. A rebuild holds every row of the instance already: nothing counts
 * as applied before it.
 */
async function acceptedState(ctx: PipelineContext, trx: Kysely<Database>, batch: InstanceBatch, links: LinkIndex, outcomes: Map<number, Outcome>, rebuild: boolean): Promise<InstanceState> {
  const base = rebuild ? [] : await appliedEvents(ctx, trx, batch);
  const items = [...batch.items];
  batch.rows.forEach((parsed, i) => {
    const event = eventObject(parsed, ctx.privacy);
    if (event !== undefined) items.push({ id: batch.rowIds[i]!, event });
  });
  const accepted: NormalisedEvent[] = [];
  for (const item of items) {
    try {
      computeInstance([...base, ...accepted, item.event], links, ctx.engineOptions);
      accepted.push(item.event);
    } catch (error) {
      outcomes.set(item.id, { status: "parked", error: `engine failed: ${error instanceof Error ? error.message : String(error)}` });
      ctx.logger?.warn({ inboxId: item.id, instance: batch.instanceUuid }, "pipeline: event parked, the engine cannot apply it");
    }
  }
  const state = createInstanceState();
  for (const event of [...base, ...accepted]) state.apply(event);
  return state;
}

/** A new state holding every event already applied to the instance (its `done` inbox rows, normalised again). */
async function rebuiltState(ctx: PipelineContext, trx: Kysely<Database>, batch: InstanceBatch): Promise<InstanceState> {
  const state = createInstanceState();
  const columns = new EventColumnsBuilder(16);
  // Rows of another account that share the uuid are not this instance's.
  const mine = (accountId: string, instanceUuid: string): EventColumnsBuilder => (accountId === batch.accountId && instanceUuid === batch.instanceUuid ? columns : discard());
  for (const body of await doneBodies(trx, batch)) {
    const r = normaliseRow(body, mine, ctx.privacy);
    if ("event" in r && r.event.type !== "registration" && r.event.accountId === batch.accountId) state.apply(r.event);
  }
  state.applyColumns(columns);
  return state;
}

/** Every event already applied to an instance, as objects (the slow path only). */
async function appliedEvents(ctx: PipelineContext, trx: Kysely<Database>, batch: InstanceBatch): Promise<NormalisedEvent[]> {
  const events: NormalisedEvent[] = [];
  for (const body of await doneBodies(trx, batch)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      continue;
    }
    const event = eventObject(parsed, ctx.privacy);
    if (event !== undefined && event.type !== "registration" && event.accountId === batch.accountId) events.push(event);
  }
  return events;
}

async function doneBodies(trx: Kysely<Database>, batch: InstanceBatch): Promise<string[]> {
  const rows = await trx.selectFrom("inbox_events").select(["body"]).where("instance_uuid", "=", batch.instanceUuid).where("status", "=", "done").orderBy("id").execute();
  return rows.map((r) => r.body);
}

/**
 * A random revision, never the current one: revisions must not repeat even after `reprocess`
 * deletes an instance row, or a stale cache in another process could pass for fresh.
 */
function nextRevision(current: number): number {
  for (;;) {
    const next = 1 + Math.floor(Math.random() * 2_147_483_646);
    if (next !== current) return next;
  }
}
