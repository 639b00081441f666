import type { RollcallDatabase } from "../database.js";
import { isDataError } from "../data-error.js";
import { InboxRefusedError, InboxUnavailableError } from "./inbox-unavailable-error.js";
import { inboxBatchWriter, inboxCommitProbe, type InboxBatchWriter, type InboxCommitProbe } from "./inbox-repository.js";
import { CommitDeadlines } from "./commit-deadlines.js";
import { recentKeysOf, type RecentKeys } from "./recent-keys.js";
import { startSqliteCommitThread, type SqliteCommitThread } from "./sqlite-commit-thread.js";
import type { AppendResult, InboxWrite, InboxWritten, NewInboxEvent } from "./new-inbox-event.js";

/** Told about every commit attempt, e.g. to record metrics. */
export interface CommitObserver {
  /** A batch of `size` deliveries was committed (`ok`) or failed, after `seconds`. */
  (outcome: { ok: boolean; size: number; seconds: number }): void;
}

export interface InboxWriterOptions {
  /** Most deliveries per transaction (default 1000). */
  maxBatchSize?: number;
  /**
   * How long a delivery may wait for its commit before it is answered "unavailable" (default
   * 2500 ms: Zoom gives up after 3 s, and a 503 makes it retry instead of guessing).
   */
  commitTimeoutMs?: number;
  onCommit?: CommitObserver;
  /**
   * Told how many deliveries of a commit had already been answered "unavailable" (their commit
   * outlasted `commitTimeoutMs`) and were stored all the same: a 503 over HTTP, then a duplicate
   * when Zoom retries. Not told about those that timed out before their transaction began: they
   * were never written.
   */
  onStoredLate?: (count: number) => void;
  /**
   * SQLite file databases: commit on a worker thread of its own (default true), so the commit and
   * its fsync do not block the event loop. False commits on the store's connection, in-thread.
   */
  commitThread?: boolean;
  /**
   * SQLite commit thread: how long a commit waits for another connection's write lock (a CLI
   * command's transaction). Default: the store connection's `busy_timeout`. The wait blocks only the
   * thread, so a server sets it longer than its event loop's own, within `commitTimeoutMs`.
   */
  lockWaitMs?: number;
}

/** Stores verified deliveries durably, many per transaction. */
export interface InboxWriter {
  /**
   * Queues one delivery for the next group commit. Resolves only after the transaction holding it
   * has committed; rejects with {@link InboxUnavailableError} when it could not commit in time, or
   * with {@link InboxRefusedError} when the database can never store this one delivery.
   */
  append(event: NewInboxEvent): Promise<AppendResult>;
  /**
   * Calls `listener` with the ids of newly stored events after each commit (not for redeliveries),
   * so a worker can start at once instead of polling. Returns a function that removes it.
   */
  onCommitted(listener: (ids: number[]) => void): () => void;
  /** False after a failed (or too slow) commit, until one succeeds again (for `/readyz`). */
  readonly healthy: boolean;
  /**
   * Commits a transaction that changes no data on the inbox's own path (its thread on SQLite) and
   * sets `healthy` from the outcome: how `/readyz` learns that an unhealthy inbox can commit again
   * when no delivery has tried since. Resolves with the new `healthy`.
   */
  probe(): Promise<boolean>;
  /** Deliveries queued or being committed. */
  readonly inFlight: number;
  /** Refuses new deliveries and resolves once every queued one has been committed or refused. */
  close(): Promise<void>;
}

interface Waiting {
  event: NewInboxEvent;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
  /** `performance.now()` by which it is answered "unavailable" if its commit has not come. */
  deadline: number;
  settled: boolean;
}

/**
 * Creates the group-commit writer: deliveries that arrive while a transaction is running (or in the
 * same turn of the event loop) share the next transaction, and each caller is answered only after
 * that transaction commits. A redelivery of an event this process stored recently (same dedupe key,
 * see `RecentKeys`) or of one earlier in the same batch adds to that row's `deliveries`; any other
 * lands as a new row, which the pipeline merges into the first when it claims it.
 * A SQLite file commits on a worker thread (`startSqliteCommitThread`) so the event loop keeps
 * reading requests while the disk syncs; otherwise `inboxBatchWriter` commits on the store's connection.
 */
export function createInboxWriter(store: RollcallDatabase, options: InboxWriterOptions = {}): InboxWriter {
  return new GroupCommitWriter(store, options);
}

class GroupCommitWriter implements InboxWriter {
  private readonly maxBatchSize: number;
  private readonly commitTimeoutMs: number;
  private readonly listeners = new Set<(ids: number[]) => void>();
  private readonly thread: SqliteCommitThread | undefined;
  private readonly write: InboxBatchWriter;
  private readonly probeCommit: InboxCommitProbe;
  private readonly recent: RecentKeys;
  private readonly deadlines: CommitDeadlines<Waiting>;
  private queue: Waiting[] = [];
  private running: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private isHealthy = true;
  private waiting = 0;

  constructor(
    store: RollcallDatabase,
    private readonly options: InboxWriterOptions,
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.commitTimeoutMs = options.commitTimeoutMs ?? 2500;
    this.thread = options.commitThread === false ? undefined : startSqliteCommitThread(store, options.lockWaitMs);
    this.write = this.thread?.write ?? inboxBatchWriter(store);
    this.probeCommit = this.thread?.probe ?? inboxCommitProbe(store);
    this.recent = recentKeysOf(store);
    // The transaction may still commit after this: the 503 then makes Zoom redeliver, which the
    // dedupe key absorbs. What must never happen is a 2xx without a commit, and it cannot.
    this.deadlines = new CommitDeadlines<Waiting>((waiting) => {
      // Not ready either: a commit this late means the database is locked or stalled.
      this.isHealthy = false;
      this.settle(waiting, new InboxUnavailableError(`no commit within ${this.commitTimeoutMs} ms`, "timeout"));
    }, this.thread !== undefined);
  }

  append(event: NewInboxEvent): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new InboxUnavailableError("the inbox is closed (shutting down)", "closed"));
    return new Promise<AppendResult>((resolve, reject) => {
      const waiting: Waiting = { event, resolve, reject, settled: false, deadline: performance.now() + this.commitTimeoutMs };
      this.waiting += 1;
      this.deadlines.add(waiting);
      this.queue.push(waiting);
      this.schedule();
    });
  }

  onCommitted(listener: (ids: number[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get healthy(): boolean {
    return this.isHealthy;
  }

  async probe(): Promise<boolean> {
    try {
      await this.probeCommit();
      this.isHealthy = true;
    } catch {
      this.isHealthy = false;
    }
    return this.isHealthy;
  }

  get inFlight(): number {
    return this.waiting;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.scheduled || this.queue.length > 0) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setImmediate(resolve));
    }
    await this.thread?.close();
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets every request already read in this turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatchSize);
      this.queue = this.queue.slice(batch.length);
      await this.commit(batch);
    }
  }

  private async commit(all: Waiting[]): Promise<void> {
    const batch = all.filter((w) => !w.settled);
    if (batch.length === 0) return;
    const byKey = new Map<string, InboxWrite>();
    for (const { event } of batch) {
      const seen = byKey.get(event.dedupeKey);
      if (seen) seen.deliveries += 1;
      else byKey.set(event.dedupeKey, { event, deliveries: 1, knownId: this.recent.get(event.dedupeKey) });
    }
    const started = performance.now();
    try {
      const writes = [...byKey.values()];
      const written = await this.write(writes);
      this.options.onCommit?.({ ok: true, size: batch.length, seconds: (performance.now() - started) / 1000 });
      this.isHealthy = true;
      this.answer(batch, writes, written);
    } catch (error) {
      this.options.onCommit?.({ ok: false, size: batch.length, seconds: (performance.now() - started) / 1000 });
      await this.failed(batch, [...byKey.keys()], error);
    }
  }

  /** A commit failed: a value the database cannot hold is isolated and refused; anything else is an outage. */
  private async failed(batch: Waiting[], keys: string[], error: unknown): Promise<void> {
    const code = errorCode(error);
    if (isDataError(error)) {
      // Not an outage: split the batch (a key's deliveries stay together) until the delivery at
      // fault stands alone; the others commit without it.
      if (keys.length > 1) {
        const firstKeys = new Set(keys.slice(0, Math.ceil(keys.length / 2)));
        await this.commit(batch.filter((w) => firstKeys.has(w.event.dedupeKey)));
        await this.commit(batch.filter((w) => !firstKeys.has(w.event.dedupeKey)));
        return;
      }
      for (const waiting of batch) this.settle(waiting, new InboxRefusedError("the database cannot store this delivery", code, { cause: error }));
      return;
    }
    this.isHealthy = false;
    for (const waiting of batch) this.settle(waiting, new InboxUnavailableError("the inbox could not commit", code, { cause: error }));
  }

  /** Answers each caller of a committed batch; only the first delivery of a new row is "new" (and told to listeners). */
  private answer(batch: Waiting[], writes: InboxWrite[], written: InboxWritten[]): void {
    const rows = new Map<string, InboxWritten>();
    writes.forEach((w, i) => rows.set(w.event.dedupeKey, written[i]!));
    const newIds: number[] = [];
    const answered = new Set<string>();
    let late = 0;
    for (const waiting of batch) {
      const key = waiting.event.dedupeKey;
      const row = rows.get(key);
      // Its deadline passed while this transaction ran: already answered unavailable, stored now.
      if (waiting.settled && row) late += 1;
      if (!row) {
        this.settle(waiting, new InboxUnavailableError("the inbox did not return the stored row", "missing_row"));
        continue;
      }
      const isNew = !row.counted && !answered.has(key);
      if (isNew) {
        newIds.push(row.id);
        this.recent.remember(key, row.id);
      }
      answered.add(key);
      this.settle(waiting, { id: row.id, duplicate: !isNew });
    }
    if (newIds.length > 0) for (const listener of this.listeners) notify(listener, newIds);
    if (late > 0) this.options.onStoredLate?.(late);
  }

  private settle(waiting: Waiting, outcome: AppendResult | Error): void {
    if (waiting.settled) return;
    waiting.settled = true;
    this.waiting -= 1;
    if (this.waiting === 0) this.deadlines.clear();
    if (outcome instanceof Error) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }
}

/** A listener's failure is its own business: it must not fail the commit or the other listeners. */
function notify(listener: (ids: number[]) => void, ids: number[]): void {
  try {
    listener([...ids]);
  } catch {
    // The listener logs its own errors; the events are safely stored either way.
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code !== "") return code;
  return error instanceof Error ? error.name : "unknown";
}
