import { EventColumnsBuilder, resolveEngineOptions, type EngineOptions, type NormalisedEvent } from "../core/index.js";
import type { RollcallDatabase } from "../store/index.js";
import type { NormaliseOptions } from "../zoom/events/index.js";
import type { PrivacySettings } from "../zoom/privacy/index.js";
import { InstanceCache } from "./instance-cache.js";
import { LinkCache } from "./link-cache.js";
import type { PipelineLogger, PipelineOptions } from "./pipeline-options.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";

/** What every part of one pipeline shares: the store, the options as resolved, the engine cache. */
export interface PipelineContext {
  store: RollcallDatabase;
  options: PipelineOptions;
  batchSize: number;
  cache: InstanceCache;
  /** Each account's links, kept between batches while the directory stays the same. */
  links: LinkCache;
  engineOptions: EngineOptions;
  /** The display-name token pattern as resolved (for reading an instance's links by value). */
  namePattern: RegExp;
  /** The configured privacy mode (each stored body is read with the options it needs: see `normalise-rows.ts`). */
  privacy: PrivacySettings;
  logger: PipelineLogger | undefined;
  metrics: PipelineMetrics | undefined;
}

/** Resolves a pipeline's options once; a bad name pattern or method fails here, not in the first batch. */
export function pipelineContext(store: RollcallDatabase, options: PipelineOptions): PipelineContext {
  const normalise: NormaliseOptions = options.normalise ?? {};
  const engineOptions: EngineOptions = { ...options.engine, privacy: normalise.privacy ?? "store" };
  const { namePattern } = resolveEngineOptions(engineOptions);
  const mode = normalise.privacy ?? "store";
  return {
    store,
    options,
    batchSize: options.batchSize ?? 2000,
    cache: new InstanceCache({ maxEvents: options.cacheMaxEvents ?? 1_000_000, maxInstances: options.cacheMaxInstances ?? 2_000 }),
    links: new LinkCache({ db: store.db, load: options.loadLinks, revision: options.linksRevision, pages: options.loadLinkPages, logger: options.logger }),
    engineOptions,
    namePattern,
    privacy: normalise.hashKey === undefined ? { privacy: mode } : { privacy: mode, hashKey: normalise.hashKey },
    logger: options.logger,
    metrics: options.metrics,
  };
}

/**
 * The rows of one batch that belong to one instance: what travels as objects (instance events,
 * report rows) and the webhook participant events as rows of columns (no object per event), with
 * their inbox ids and parsed bodies for the slow path that finds what the engine cannot take.
 */
export interface InstanceBatch {
  accountId: string;
  instanceUuid: string;
  items: Array<{ id: number; event: NormalisedEvent }>;
  columns: EventColumnsBuilder;
  rowIds: number[];
  rows: unknown[];
}

/** An empty batch of one instance's rows. */
export function instanceBatch(accountId: string, instanceUuid: string, capacity = 8): InstanceBatch {
  return { accountId, instanceUuid, items: [], columns: new EventColumnsBuilder(capacity), rowIds: [], rows: [] };
}

/** One inbox row taken by a batch. */
export interface InboxRow {
  id: number;
  body: string;
  received_at: number;
  /** As ingest recorded it (claims only; a rebuild's rows are one instance's). */
  instance_uuid?: string | null;
  /** The content key: a row whose key another row holds is a redelivery (see `inbox-duplicates.ts`). */
  dedupe_key: string;
  deliveries: number;
  /** Rebuilds only: the row's status and error as claimed, so a row whose outcome stays the same is not rewritten. */
  status?: string;
  error?: string | null;
}

/** What became of one inbox row. */
export interface Outcome {
  status: "done" | "ignored" | "parked";
  error: string | null;
}

/** What one batch did. */
export interface BatchSummary {
  /** Inbox rows taken (redeliveries merged away included). */
  claimed: number;
  done: number;
  ignored: number;
  parked: number;
  /** Rows that were redeliveries of an event another row holds: counted there and deleted, not applied. */
  duplicate: number;
  /** Instances recomputed. */
  instances: number;
  /** Derived rows written or deleted. */
  rowsWritten: number;
  /** Pending rows the batch read but left for a later one (more instances than a batch takes). */
  deferred: number;
}

export const emptySummary = (): BatchSummary => ({ claimed: 0, done: 0, ignored: 0, parked: 0, duplicate: 0, instances: 0, rowsWritten: 0, deferred: 0 });

/** Adds `batch`'s counts to `total`. */
export function addSummary(total: BatchSummary, batch: BatchSummary): void {
  for (const k of Object.keys(emptySummary()) as Array<keyof BatchSummary>) total[k] += batch[k];
}

/** Everything a batch writes follows from the inbox: its commit need not wait for the disk (see `WriteTransactionOptions`). */
export const rebuildable = { rebuildable: true } as const;

/** The derived tables of an instance, children first. */
export const derivedTables = ["attendance", "session_resolutions", "session_identifiers", "participant_sessions", "instances"] as const;
