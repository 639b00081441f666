import { sql, type Kysely } from "kysely";
import { buildLinkIndex, computeInstance, createInstanceState, EventColumnsBuilder, resolveEngineOptions, type EngineOptions, type InstanceResult, type InstanceState, type LinkIndex, type NormalisedEvent, type RegistrationEvent } from "../core/index.js";
import { instanceRowChanges, storedRowChanges, writeInstanceRowChanges, type InstanceWrite, type WriteStats } from "../store/derived/index.js";
import { forTuples } from "../store/row-statements.js";
import { dataErrorReason, isDataError, type Database, type RollcallDatabase } from "../store/index.js";
import { nulCharacterPath, type ColumnsTarget, type NormaliseOptions } from "../zoom/events/index.js";
import { maxIdentifierLength } from "../zoom/webhook/delivery-envelope.js";
import { normaliseOptionsForStoredBody, type PrivacySettings } from "../zoom/privacy/index.js";
import { InstanceCache, instanceKey, type CachedInstance } from "./instance-cache.js";
import type { PipelineOptions } from "./pipeline-options.js";
import type { Partition } from "./worker-slots.js";
// Webhooks and the report rows reconciliation stores (`rollcall.report_participant`) share one entry point.
import { normaliseInboxBody, normaliseInboxBodyInto } from "../zoom/events/normalise-inbox-body.js";
import { lockInstances, tryLockInstance, withWriteTransaction } from "./write-transaction.js";

/** What one batch did. */
export interface BatchSummary {
  /** Inbox rows taken. */
  claimed: number;
  done: number;
  ignored: number;
  parked: number;
  /** Instances recomputed. */
  instances: number;
  /** Derived rows written or deleted. */
  rowsWritten: number;
}

/** The pipeline of one process: inbox → normaliser → engine → derived tables. */
export interface Pipeline {
  /**
   * Takes up to `batchSize` pending inbox rows (oldest first; on PostgreSQL rows another process
   * holds are skipped), applies them and marks them `done`, `ignored` or `parked`, all in one
   * transaction. Each affected instance is recomputed once. Resolves with `claimed: 0` when idle.
   */
  processInboxBatch(scope?: ClaimScope): Promise<BatchSummary>;
  /**
   * Recomputes one instance (`null`: the rows without one) from every inbox row it has, whatever
   * their status, and replaces its derived rows, in one transaction per 50,000 rows: parked rows
   * are retried, and only rows whose outcome changes are rewritten. Until it commits, readers see
   * the old rows. What `reprocess` runs per instance.
   */
  rebuildInstance(instanceUuid: string | null): Promise<RebuildSummary>;
  /** Recomputes instances marked by `markInstancesForReprocessing` (links changed). Returns how many. */
  processMarkedInstances(limit?: number): Promise<number>;
  /** Runs both until nothing is pending or marked; returns the totals. */
  runUntilIdle(): Promise<BatchSummary>;
  /** Forgets every cached engine state (after `reprocess` deleted derived rows, for one). */
  clearCache(): void;
}

/** What a rebuild did: its batches, and how many inbox rows it took again. */
export interface RebuildSummary extends BatchSummary {
  /** Rows taken again (on the isolating fallback: rows put back to pending, which a server may process instead). */
  taken: number;
}

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

interface InboxRow {
  id: number;
  body: string;
  received_at: number;
  /** Rebuilds only: the row's status and error as claimed, so a row whose outcome stays the same is not rewritten. */
  status?: string;
  error?: string | null;
}

interface Outcome {
  status: "done" | "ignored" | "parked";
  error: string | null;
}

/** The `instances` columns a batch reads before computing. */
interface InstanceMarks {
  revision: number;
  needs_resolve: number;
}

/** A computed instance waiting for the batch's write. */
interface GroupWrite {
  key: string;
  state: InstanceState;
  /** The result this process wrote last (undefined after a rebuild). */
  previous: InstanceResult | undefined;
  write: InstanceWrite;
}

interface Group {
  accountId: string;
  instanceUuid: string;
  /** New events that travel as objects: instance events and report rows. */
  items: Array<{ id: number; event: NormalisedEvent }>;
  /** New webhook participant events, as rows (no object per event). */
  columns: EventColumnsBuilder;
  /** Inbox id of each row of `columns`. */
  rowIds: number[];
  /** The parsed body of each row of `columns`, for the slow path that parks what the engine cannot take. */
  rows: unknown[];
}

/** Where rows go that must not reach a state (another account's, an identifier too long): emptied on every use. */
const discardedRows = new EventColumnsBuilder(4, false);
function discard(): EventColumnsBuilder {
  discardedRows.clear();
  return discardedRows;
}

/** Why an account or instance id cannot be stored (too long for a database index), or undefined. */
function identifierTooLong(accountId: string, instanceUuid: string): string | undefined {
  if (accountId.length > maxIdentifierLength) return `payload.account_id: expected at most ${maxIdentifierLength} characters`;
  if (instanceUuid.length > maxIdentifierLength) return `payload.object.uuid: expected at most ${maxIdentifierLength} characters`;
  return undefined;
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

/** Everything a batch writes follows from the inbox: its commit need not wait for the disk (see `WriteTransactionOptions`). */
const rebuildable = { rebuildable: true } as const;

/** The derived tables of an instance, children first. */
export const derivedTables = ["attendance", "session_resolutions", "session_identifiers", "participant_sessions", "instances"] as const;

/** Most inbox rows of one instance per rebuild transaction (a 10,000-attendee webinar has ~30,000). */
const rowsPerRebuild = 50_000;

export const emptySummary = (): BatchSummary => ({ claimed: 0, done: 0, ignored: 0, parked: 0, instances: 0, rowsWritten: 0 });

/** Adds `batch`'s counts to `total`. */
export function addSummary(total: BatchSummary, batch: BatchSummary): void {
  for (const k of Object.keys(emptySummary()) as Array<keyof BatchSummary>) total[k] += batch[k];
}


/**
 * Creates the pipeline over an open, migrated store. Engine states are cached per instance in
 * memory and checked against `instances.revision`, so a batch only applies its new events and
 * writes the rows that changed; a stale or missing entry is rebuilt from the instance's `done`
 * inbox rows. Several processes may run it on one PostgreSQL database: rows are claimed with
 * `FOR UPDATE SKIP LOCKED` and each instance is computed under an advisory lock.
 */
export function createPipeline(store: RollcallDatabase, options: PipelineOptions): Pipeline {
  const batchSize = options.batchSize ?? 2000;
  const cache = new InstanceCache(options.cacheMaxEvents ?? 1_000_000);
  const normalise: NormaliseOptions = options.normalise ?? {};
  const engineOptions: EngineOptions = { ...options.engine, privacy: normalise.privacy ?? "store" };
  // The configured mode; each stored body is read with the options it needs: a body the ingest hook
  // (or reconciliation) already stripped carries the marker and is read as stored, so a hash is
  // never hashed again; a raw body (stored before the mode was switched on) gets the mode now.
  const privacy: PrivacySettings = normalise.hashKey === undefined ? { privacy: normalise.privacy ?? "store" } : { privacy: normalise.privacy ?? "store", hashKey: normalise.hashKey };
  resolveEngineOptions(engineOptions); // a bad name pattern or method fails here, not in the first batch
  const { metrics, logger } = options;

  /**
   * Normalises a stored body. A webhook participant event becomes a row of the columns `target`
   * gives for its account and instance (`{ row: true }`, no event object); anything else comes back
   * as an event, or as why it is ignored, or as an error text when it cannot be read.
   */
  function normaliseRow(body: string, target: (accountId: string, instanceUuid: string) => EventColumnsBuilder): { event: NormalisedEvent } | { row: true; parsed: unknown } | { ignored: string } | { error: string } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { error: "body: expected JSON" };
    }
    // PostgreSQL text cannot hold NUL: refused here, so both databases treat such an event alike.
    const nul = nulCharacterPath(parsed, body);
    if (nul !== undefined) return { error: `${nul}: must not contain NUL characters` };
    try {
      let tooLong: string | undefined;
      // Ingest refuses these since; a row stored before must not reach a database index either.
      const checked: ColumnsTarget = (accountId, instanceUuid) => {
        tooLong = identifierTooLong(accountId, instanceUuid);
        return tooLong === undefined ? target(accountId, instanceUuid) : discard();
      };
      const result = normaliseInboxBodyInto(parsed, checked, normaliseOptionsForStoredBody(parsed, privacy));
      if (tooLong !== undefined) return { error: tooLong };
      if (result.status === "row") return { row: true, parsed };
      if (result.status === "event") {
        const long = identifierTooLong(result.event.accountId, result.event.instanceUuid);
        return long === undefined ? { event: result.event } : { error: long };
      }
      if (result.status === "ignored") return { ignored: result.reason };
      return { error: result.issues.map((i) => (i.message.startsWith(`${i.path}:`) ? i.message : `${i.path}: ${i.message}`)).join("; ") || "rejected by the normaliser" };
    } catch (error) {
      return { error: `normaliser failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** The same body as an event object (the slow path that finds which events the engine cannot take). */
  function eventObject(parsed: unknown): NormalisedEvent | undefined {
    const result = normaliseInboxBody(parsed, normaliseOptionsForStoredBody(parsed, privacy));
    return result.status === "event" ? result.event : undefined;
  }

  /** A new state holding every event already applied to the instance (its `done` inbox rows, normalised again). */
  async function rebuiltState(trx: Kysely<Database>, group: Group): Promise<InstanceState> {
    const state = createInstanceState();
    const columns = new EventColumnsBuilder(1024);
    // Rows of another account that share the uuid are not this instance's.
    const mine = (accountId: string, instanceUuid: string): EventColumnsBuilder => (accountId === group.accountId && instanceUuid === group.instanceUuid ? columns : discard());
    for (const body of await doneBodies(trx, group)) {
      const r = normaliseRow(body, mine);
      if ("event" in r && r.event.type !== "registration" && r.event.accountId === group.accountId) state.apply(r.event);
    }
    state.applyColumns(columns);
    return state;
  }

  /** Every event already applied to an instance, as objects (the slow path only). */
  async function appliedEvents(trx: Kysely<Database>, group: Group): Promise<NormalisedEvent[]> {
    const events: NormalisedEvent[] = [];
    for (const body of await doneBodies(trx, group)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        continue;
      }
      const event = eventObject(parsed);
      if (event !== undefined && event.type !== "registration" && event.accountId === group.accountId) events.push(event);
    }
    return events;
  }

  async function doneBodies(trx: Kysely<Database>, group: Group): Promise<string[]> {
    const rows = await trx.selectFrom("inbox_events").select(["body"]).where("instance_uuid", "=", group.instanceUuid).where("status", "=", "done").orderBy("id").execute();
    return rows.map((r) => r.body);
  }

  /** The `instances` rows (revision, marks) of the given instances, by key: one query per batch. */
  async function instanceRowsOf(trx: Kysely<Database>, groups: readonly Group[]): Promise<Map<string, InstanceMarks>> {
    const found = await forTuples<{ account_id: string; instance_uuid: string; revision: number; needs_resolve: number }>(
      trx,
      groups.map((g) => [g.accountId, g.instanceUuid]),
      (v) => `select account_id, instance_uuid, revision, needs_resolve from instances where (account_id, instance_uuid) in (values ${v})`,
    );
    return new Map(found.rows.map((r) => [instanceKey(r.account_id, r.instance_uuid), { revision: Number(r.revision), needs_resolve: Number(r.needs_resolve) }]));
  }

  /** Deletes every derived row of an instance, its `instances` row last. */
  async function deleteDerived(trx: Kysely<Database>, group: Group): Promise<void> {
    for (const table of derivedTables) {
      await trx.deleteFrom(table).where("account_id", "=", group.accountId).where("instance_uuid", "=", group.instanceUuid).execute();
    }
  }

  /**
   * Applies a group's new events to the instance's state (cached or rebuilt) and computes the
   * result; returns what must be written (nothing when the engine keeps nothing of the events).
   * Events that make the engine throw are parked one by one.
   */
  async function computeGroup(
    trx: Kysely<Database>,
    group: Group,
    row: InstanceMarks | undefined,
    linksOf: (accountId: string) => Promise<LinkIndex>,
    outcomes: Map<number, Outcome>,
    touched: Set<string>,
    fresh = false,
  ): Promise<GroupWrite | undefined> {
    const key = instanceKey(group.accountId, group.instanceUuid);
    touched.add(key);
    const revision = row?.revision ?? 0;
    let entry: CachedInstance | undefined = fresh ? { state: createInstanceState(), revision, snapshot: undefined } : cache.get(key);
    if (entry === undefined || entry.revision !== revision) entry = { state: await rebuiltState(trx, group), revision, snapshot: undefined };
    const links = await linksOf(group.accountId);
    let result: InstanceResult | undefined;
    try {
      for (const item of group.items) entry.state.apply(item.event);
      entry.state.applyColumns(group.columns);
      if (entry.state.size > 0) result = entry.state.result(links, engineOptions);
    } catch {
      // Find the culprits: the engine is pure, so replaying the applied events plus each new one
      // tells which of them it cannot take. Rare, so the quadratic cost (and event objects) are fine.
      // A rebuild holds every row of the instance already: nothing counts as applied before it.
      const base = fresh ? [] : await appliedEvents(trx, group);
      const items = [...group.items];
      group.rows.forEach((parsed, i) => {
        const event = eventObject(parsed);
        if (event !== undefined) items.push({ id: group.rowIds[i]!, event });
      });
      const accepted: NormalisedEvent[] = [];
      for (const item of items) {
        try {
          computeInstance([...base, ...accepted, item.event], links, engineOptions);
          accepted.push(item.event);
        } catch (error) {
          outcomes.set(item.id, { status: "parked", error: `engine failed: ${error instanceof Error ? error.message : String(error)}` });
          logger?.warn({ inboxId: item.id, instance: group.instanceUuid }, "pipeline: event parked, the engine cannot apply it");
        }
      }
      const state = createInstanceState();
      for (const event of [...base, ...accepted]) state.apply(event);
      entry = { state, revision, snapshot: undefined };
      if (state.size > 0) result = state.result(links, engineOptions);
    }
    if (result === undefined) {
      // A rebuild that keeps nothing (every event now parked) leaves nothing of the old rows.
      if (fresh && row) await deleteDerived(trx, group);
      // Only events the engine keeps nothing of: no instance to show, but a mark must not loop.
      else if (row) await trx.updateTable("instances").set({ needs_resolve: 0 }).where("account_id", "=", group.accountId).where("instance_uuid", "=", group.instanceUuid).execute();
      return undefined;
    }
    const next = nextRevision(revision);
    // Without a snapshot of this process's last write, the instance's stored rows (if it has any) are
    // what the new rows are compared with: a rebuild rewrites only what changed.
    const changes = entry.snapshot === undefined && row !== undefined ? await storedRowChanges(trx, group.accountId, result) : instanceRowChanges(group.accountId, result, entry.snapshot);
    return {
      key,
      state: entry.state,
      previous: entry.snapshot?.result,
      write: { changes, options: { revision: next, eventCount: entry.state.size, resolvedMarks: row?.needs_resolve ?? 0, now: Date.now() } },
    };
  }

  /** Writes the computed instances of a batch together (outbox events first), then caches their states. */
  async function writeGroups(trx: Kysely<Database>, writes: readonly GroupWrite[], stats: WriteStats): Promise<void> {
    if (writes.length === 0) return;
    if (options.onRowChanges) await options.onRowChanges(trx, writes.map((w) => ({ changes: w.write.changes, previous: w.previous })));
    await writeInstanceRowChanges(trx, writes.map((w) => w.write), stats);
    for (const w of writes) cache.set(w.key, { state: w.state, revision: w.write.options.revision, snapshot: w.write.changes.snapshot });
  }

  /** Each account's links, loaded and indexed once per batch (not once per instance). */
  function linkLoader(trx: Kysely<Database>): (accountId: string) => Promise<LinkIndex> {
    const loaded = new Map<string, Promise<LinkIndex>>();
    return (accountId) => {
      let links = loaded.get(accountId);
      if (!links) loaded.set(accountId, (links = options.loadLinks(trx, accountId).then(buildLinkIndex)));
      return links;
    };
  }

  async function claim(trx: Kysely<Database>, scope: ClaimScope | undefined): Promise<InboxRow[]> {
    let query = trx.selectFrom("inbox_events").select(["id", "body", "received_at"]).where("status", "=", "pending");
    if (scope?.instanceUuid !== undefined) query = scope.instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", scope.instanceUuid);
    const partition = scope?.partition;
    if (store.dialect === "postgres" && partition !== undefined && partition.count > 1) {
      const { index, count } = partition;
      const mine = sql<boolean>`((hashtext(coalesce(instance_uuid, ''))::bigint % ${count}) + ${count}) % ${count} = ${index}`;
      query = query.where((eb) => eb.or([mine, eb("received_at", "<", Date.now() - partitionGraceMs)]));
    }
    query = query.orderBy("id").limit(scope?.limit ?? batchSize);
    // Another process's claimed rows are skipped, not waited for; they are that process's batch.
    if (store.dialect === "postgres") query = query.forUpdate().skipLocked();
    return query.execute();
  }

  async function markRows(trx: Kysely<Database>, outcomes: Map<number, Outcome>, processedAt: number, claimed: readonly InboxRow[]): Promise<void> {
    const plain = new Map<"done" | "ignored", number[]>([
      ["done", []],
      ["ignored", []],
    ]);
    // A rebuild takes rows that were processed before: one whose outcome is the same is left as it
    // is (rewriting every row, body and all, was most of a rebuild's writing).
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
        await trx.updateTable("inbox_events").set({ status, error: null, processed_at: processedAt }).where("id", "in", ids.slice(i, i + 10_000)).execute();
      }
    }
  }

  /** Applies the rows `take` claims, in one transaction; see {@link Pipeline.processInboxBatch}. */
  async function applyRows(take: (trx: Kysely<Database>) => Promise<InboxRow[]>, fresh = false): Promise<BatchSummary> {
    const started = performance.now();
    const touched = new Set<string>();
    let received: InboxRow[] = [];
    let processedAt = 0;
    const summary = emptySummary();
    try {
      await withWriteTransaction(store, async (trx) => {
        const rows = await take(trx);
        received = rows;
        summary.claimed = rows.length;
        if (rows.length === 0) return;
        const outcomes = new Map<number, Outcome>();
        const groups = new Map<string, Group>();
        const registrations: RegistrationEvent[] = [];
        const groupOf = (accountId: string, instanceUuid: string): Group => {
          const key = instanceKey(accountId, instanceUuid);
          let group = groups.get(key);
          if (!group) groups.set(key, (group = { accountId, instanceUuid, items: [], columns: new EventColumnsBuilder(64), rowIds: [], rows: [] }));
          return group;
        };
        let into: Group | undefined;
        const columnsOf = (accountId: string, instanceUuid: string): EventColumnsBuilder => (into = groupOf(accountId, instanceUuid)).columns;
        for (const row of rows) {
          into = undefined;
          const r = normaliseRow(row.body, columnsOf);
          if ("error" in r) {
            outcomes.set(row.id, { status: "parked", error: r.error });
            logger?.warn({ inboxId: row.id }, "pipeline: event parked, it cannot be normalised");
          } else if ("ignored" in r) {
            outcomes.set(row.id, { status: "ignored", error: r.ignored });
          } else if ("row" in r) {
            outcomes.set(row.id, { status: "done", error: null });
            into!.rowIds.push(row.id);
            into!.rows.push(r.parsed);
          } else {
            outcomes.set(row.id, { status: "done", error: null });
            if (r.event.type === "registration") {
              registrations.push(r.event);
              continue;
            }
            groupOf(r.event.accountId, r.event.instanceUuid).items.push({ id: row.id, event: r.event });
          }
        }
        // Registrations first: a link learned here resolves the joins of the same batch.
        if (registrations.length > 0 && options.onRegistrations) await options.onRegistrations(trx, registrations);
        const keys = [...groups.keys()].sort();
        await lockInstances(trx, store.dialect, keys);
        const linksOf = linkLoader(trx);
        const stats: WriteStats = { upserted: 0, deleted: 0 };
        const marks = await instanceRowsOf(trx, keys.map((key) => groups.get(key)!));
        const writes: GroupWrite[] = [];
        for (const key of keys) {
          const write = await computeGroup(trx, groups.get(key)!, marks.get(key), linksOf, outcomes, touched, fresh);
          if (write) writes.push(write);
        }
        await writeGroups(trx, writes, stats);
        processedAt = Date.now();
        await markRows(trx, outcomes, processedAt, rows);
        summary.instances = keys.length;
        summary.rowsWritten = stats.upserted + stats.deleted;
        for (const outcome of outcomes.values()) summary[outcome.status]++;
      }, rebuildable);
    } catch (error) {
      // The transaction rolled back: cached states may hold its events. Drop them.
      for (const key of touched) cache.delete(key);
      throw error;
    }
    if (metrics && summary.claimed > 0) {
      for (const row of received) metrics.lag.observe(Math.max(0, processedAt - row.received_at) / 1000);
      if (summary.done) metrics.processed.inc({ status: "done" }, summary.done);
      if (summary.ignored) metrics.processed.inc({ status: "ignored" }, summary.ignored);
      if (summary.parked) {
        metrics.processed.inc({ status: "parked" }, summary.parked);
        metrics.parked.inc(summary.parked);
      }
      metrics.batchSeconds.observe((performance.now() - started) / 1000);
    }
    return summary;
  }

  async function processInboxBatch(scope?: ClaimScope): Promise<BatchSummary> {
    try {
      return await applyRows((trx) => claim(trx, scope));
    } catch (error) {
      if (!isDataError(error)) throw error; // the database's state (down, locked): retry the batch later
      // A value the database refuses (NUL, an index row too large, out of range): find the rows at
      // fault by halving, park them alone with the reason, apply everything else.
      let query = store.db.selectFrom("inbox_events").select("id").where("status", "=", "pending");
      if (scope?.instanceUuid !== undefined) query = scope.instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", scope.instanceUuid);
      const pending = await query.orderBy("id").limit(scope?.limit ?? batchSize).execute();
      return isolate(pending.map((r) => r.id));
    }
  }

  /** Applies `ids` (pending rows, oldest first), halving on a data error down to the single row at fault, which is parked. */
  async function isolate(ids: number[]): Promise<BatchSummary> {
    if (ids.length === 0) return emptySummary();
    try {
      return await applyRows((trx) => claimIds(trx, ids));
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (ids.length === 1) return parkRefused(ids[0]!, error);
      const half = Math.ceil(ids.length / 2);
      const first = await isolate(ids.slice(0, half));
      const second = await isolate(ids.slice(half));
      addSummary(first, second);
      return first;
    }
  }

  async function claimIds(trx: Kysely<Database>, ids: number[]): Promise<InboxRow[]> {
    let query = trx.selectFrom("inbox_events").select(["id", "body", "received_at"]).where("status", "=", "pending").where("id", "in", ids).orderBy("id");
    if (store.dialect === "postgres") query = query.forUpdate().skipLocked();
    return query.execute();
  }

  async function parkRefused(id: number, error: unknown): Promise<BatchSummary> {
    const result = await store.db
      .updateTable("inbox_events")
      .set({ status: "parked", error: `store failed: ${dataErrorReason(error)}`, processed_at: Date.now() })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    const parked = Number(result.numUpdatedRows);
    const e = error as { code?: string };
    logger?.warn({ inboxId: id, errorCode: e.code ?? "data" }, "pipeline: event parked, the database refuses a value it carries");
    if (parked > 0 && metrics) {
      metrics.processed.inc({ status: "parked" }, parked);
      metrics.parked.inc(parked);
    }
    return { ...emptySummary(), claimed: parked, parked };
  }

  async function rebuildInstance(instanceUuid: string | null): Promise<RebuildSummary> {
    const total: RebuildSummary = { ...emptySummary(), taken: 0 };
    let after = 0;
    for (let first = true; ; first = false) {
      const take = async (trx: Kysely<Database>): Promise<InboxRow[]> => {
        let query = trx.selectFrom("inbox_events").select(["id", "body", "received_at", "status", "error"]).where("id", ">", after);
        query = instanceUuid === null ? query.where("instance_uuid", "is", null) : query.where("instance_uuid", "=", instanceUuid);
        query = query.orderBy("id").limit(rowsPerRebuild);
        // Waits for rows a server's batch holds (no SKIP LOCKED): once it commits they are read as
        // it left them, so the rebuild holds every row of the instance. Row locks come before the
        // instance lock, as in a server's batch, so the two cannot deadlock.
        if (store.dialect === "postgres") query = query.forUpdate();
        return query.execute();
      };
      let batch: BatchSummary;
      try {
        // Only the first chunk starts from nothing; later ones continue the state it cached.
        batch = await applyRows(async (trx) => {
          const rows = await take(trx);
          if (rows.length > 0) after = rows[rows.length - 1]!.id;
          return rows;
        }, first);
      } catch (error) {
        if (!isDataError(error)) throw error;
        // A value the database refuses: this instance goes the pending way, which isolates the row at fault.
        const reset = await rebuildByResetting(instanceUuid);
        addSummary(total, reset);
        total.taken = reset.taken;
        return total;
      }
      addSummary(total, batch);
      total.taken += batch.claimed;
      if (batch.claimed < rowsPerRebuild) return total;
    }
  }

  /** The slow, isolating way to rebuild one instance: derived rows deleted, its rows back to pending, then processed. */
  async function rebuildByResetting(instanceUuid: string | null): Promise<RebuildSummary> {
    const taken = await withWriteTransaction(store, async (trx) => {
      if (instanceUuid !== null) for (const table of derivedTables) await trx.deleteFrom(table).where("instance_uuid", "=", instanceUuid).execute();
      let update = trx.updateTable("inbox_events").set({ status: "pending", error: null, processed_at: null });
      update = instanceUuid === null ? update.where("instance_uuid", "is", null) : update.where("instance_uuid", "=", instanceUuid);
      return Number((await update.executeTakeFirst()).numUpdatedRows);
    });
    const total: RebuildSummary = { ...emptySummary(), taken };
    for (;;) {
      const batch = await processInboxBatch({ instanceUuid, limit: rowsPerRebuild });
      addSummary(total, batch);
      if (batch.claimed === 0) return total;
    }
  }

  async function processMarkedInstances(limit = 100): Promise<number> {
    const marked = await store.db
      .selectFrom("instances")
      .select(["account_id", "instance_uuid"])
      .where("needs_resolve", ">", 0)
      .orderBy("account_id")
      .orderBy("instance_uuid")
      .limit(limit)
      .execute();
    let done = 0;
    for (const m of marked) {
      const key = instanceKey(m.account_id, m.instance_uuid);
      const touched = new Set<string>();
      try {
        await withWriteTransaction(store, async (trx) => {
          // Someone else holds it: they compute it with the current links anyway, or we come back.
          if (!(await tryLockInstance(trx, store.dialect, key))) return;
          const group: Group = { accountId: m.account_id, instanceUuid: m.instance_uuid, items: [], columns: new EventColumnsBuilder(1), rowIds: [], rows: [] };
          const still = (await instanceRowsOf(trx, [group])).get(key);
          if (!still || still.needs_resolve <= 0) return;
          const write = await computeGroup(trx, group, still, linkLoader(trx), new Map(), touched);
          if (write) await writeGroups(trx, [write], { upserted: 0, deleted: 0 });
          done++;
        }, rebuildable);
      } catch (error) {
        for (const k of touched) cache.delete(k);
        throw error;
      }
    }
    return done;
  }

  async function runUntilIdle(): Promise<BatchSummary> {
    const total = emptySummary();
    for (;;) {
      const batch = await processInboxBatch();
      addSummary(total, batch);
      const resolved = batch.claimed === 0 ? await processMarkedInstances() : 0;
      total.instances += resolved;
      if (batch.claimed === 0 && resolved === 0) return total;
    }
  }

  return { processInboxBatch, rebuildInstance, processMarkedInstances, runUntilIdle, clearCache: () => cache.clear() };
}
