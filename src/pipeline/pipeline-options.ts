import type { Kysely } from "kysely";
import type { EngineOptions, InstanceUpdate, Link, RegistrationEvent } from "../core/index.js";
import type { Database } from "../store/index.js";
import type { NormaliseOptions } from "../zoom/events/index.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";

/** Reads the links of one account (the directory's `loadLinks`), inside the pipeline's transaction. */
export type LoadLinks = (db: Kysely<Database>, accountId: string) => Promise<Link[]>;

/** The links one instance's stored sessions can match (the directory's `loadInstanceLinks`), inside the pipeline's transaction. */
export type LoadInstanceLinks = (db: Kysely<Database>, accountId: string, instanceUuid: string, namePattern: RegExp) => Promise<Link[]>;

/** Every link of one account, a page at a time (the directory's `loadLinkPages`). */
export type LoadLinkPages = (db: Kysely<Database>, accountId: string) => AsyncIterable<Link[]>;

/** A number that changes whenever what `loadLinks` answers may change (the directory's `directoryRevision`). */
export type LinksRevision = (db: Kysely<Database>) => Promise<number>;

/** Told about `*.registration_created` events, inside the batch's transaction, before instances are computed. */
export type RegistrationHandler = (db: Kysely<Database>, events: RegistrationEvent[]) => Promise<unknown>;

/**
 * Told about the instance writes of a batch, inside its transaction and before the rows are written
 * (so the old rows can still be read): per instance, the engine's update (what changed, and what it
 * was; a `complete` one, after a rebuild or a restart, holds everything as new: read the old rows
 * then). Whatever it writes commits or rolls back with the rows.
 */
export type RowChangesHandler = (db: Kysely<Database>, instances: ReadonlyArray<{ accountId: string; update: InstanceUpdate }>) => Promise<unknown>;

/** Where the pipeline reports what it cannot handle (no names or e-mails are ever passed). */
export interface PipelineLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export interface PipelineOptions {
  /** Links of an account; called once per account per batch. */
  loadLinks: LoadLinks;
  /**
   * The revision of what `loadLinks` reads: while it stays the same, the links indexed for one batch
   * serve the next ones. Without it links are loaded in every batch.
   */
  linksRevision?: LinksRevision;
  /** With `linksRevision`: how a changed directory is read again in the background, a page at a time (default `loadLinks`). */
  loadLinkPages?: LoadLinkPages;
  /**
   * Re-resolving an instance marked because links changed reads only the links its sessions can
   * match (index lookups) instead of every link of its account. Without it, `loadLinks`.
   */
  loadInstanceLinks?: LoadInstanceLinks;
  /** Learns from registrations (the directory's registrant links). Optional: without it they are just marked done. */
  onRegistrations?: RegistrationHandler;
  /** Hears every instance write in its transaction (outbound webhooks, `src/notify`). Optional. */
  onRowChanges?: RowChangesHandler;
  /** Privacy handling of names and e-mails, passed to the normaliser (its `privacy` also switches engine methods). */
  normalise?: NormaliseOptions;
  /** Identity methods and the display-name token pattern. `now` is never passed: results depend on events only. */
  engine?: Omit<EngineOptions, "now" | "privacy">;
  /** Most inbox rows per transaction (default 2000). */
  batchSize?: number;
  /** Events kept in the in-memory engine cache before instances are dropped (default 1,000,000). */
  cacheMaxEvents?: number;
  /**
   * Instances kept in the in-memory engine cache (default 2,000): ended ones leave first, then the
   * least recently used. A dropped instance is rebuilt from the inbox when it is touched again.
   */
  cacheMaxInstances?: number;
  metrics?: PipelineMetrics;
  logger?: PipelineLogger;
}
