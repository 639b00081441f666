import type { Worker, WorkerContext } from "../runtime/index.js";
import { createPipeline, type Pipeline } from "./create-pipeline.js";
import { pipelineMetrics } from "./pipeline-metrics.js";
import { joinWorkerSlots, type WorkerSlots } from "./worker-slots.js";
import type { PipelineOptions } from "./pipeline-options.js";

export interface PipelineWorkerOptions {
  /** Pipeline options; `metrics` and `logger` default to the service's. */
  pipeline: PipelineOptions | ((context: WorkerContext) => PipelineOptions);
  /**
   * How often an idle worker looks for work it was not told about (default 250 ms): events another
   * process stored (several instances on PostgreSQL), instances marked for re-resolution.
   */
  pollIntervalMs?: number;
  /**
   * Least pause after a batch that emptied the inbox, before the next one (default 25 ms); the pause
   * is at least as long as that batch took. Events arriving meanwhile share the next batch, so a
   * large instance is recomputed a few times a second instead of once per commit, and ingest keeps
   * at least half of the process (and, on SQLite, of the connection).
   */
  minBatchIntervalMs?: number;
}

/** Under a backlog, batches grow (doubling) up to this many times the pipeline's `batchSize`. */
const maxBacklogFactor = 8;

/** The pipeline as a service worker, plus a way to wake it and to wait for it. */
export interface PipelineWorker extends Worker {
  /** Starts a batch now instead of at the next poll. */
  wake(): void;
  /** Resolves once nothing is pending or marked (for tests and `reprocess`). */
  idle(): Promise<void>;
  /** The running pipeline (undefined before `start`). */
  readonly pipeline: Pipeline | undefined;
}

/**
 * A {@link Worker} that runs the pipeline in a loop: it wakes after every inbox commit of this
 * process (`inbox.onCommitted`) and polls otherwise, processes batches until the inbox is empty,
 * then re-resolves marked instances. A failing batch (database down) is logged by error code and
 * retried after a pause; poison events never fail a batch, they are parked.
 */
export function createPipelineWorker(options: PipelineWorkerOptions): PipelineWorker {
  return new PipelineLoop(options);
}

/** What a round decided: go round again now, or sleep until woken or the poll interval. */
type RoundEnd = "again" | "sleep";

class PipelineLoop implements PipelineWorker {
  readonly name = "pipeline";
  private readonly pollIntervalMs: number;
  private readonly minBatchIntervalMs: number;
  private current: Pipeline | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private stopBreathing: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private batchSize = 0;
  private limit = 0;
  private failures = 0;

  constructor(private readonly options: PipelineWorkerOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.minBatchIntervalMs = options.minBatchIntervalMs ?? 25;
  }

  get pipeline(): Pipeline | undefined {
    return this.current;
  }

  start(context: WorkerContext): void {
    const base = typeof this.options.pipeline === "function" ? this.options.pipeline(context) : this.options.pipeline;
    this.current = createPipeline(context.store, {
      ...base,
      metrics: base.metrics ?? pipelineMetrics(context.metrics.registry),
      logger: base.logger ?? context.logger,
    });
    this.batchSize = base.batchSize ?? 2000;
    this.limit = this.batchSize;
    this.unsubscribe = context.inbox.onCommitted(() => this.wake());
    this.stopping = false;
    this.running = this.loop(context);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wakeUp?.();
    this.stopBreathing?.();
    await this.running;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters = [];
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  idle(): Promise<void> {
    if (!this.running || this.stopping) return Promise.resolve();
    const promise = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    return promise;
  }

  private async loop(context: WorkerContext): Promise<void> {
    // PostgreSQL: a slot among the workers sharing the database, so each instance has one worker.
    const slots = await joinWorkerSlots(context.store).catch((error: unknown) => {
      context.logger.warn({ errorCode: (error as { code?: string }).code ?? "error" }, "pipeline: no worker slot; taking rows of every instance");
      return undefined;
    });
    try {
      while (!this.stopping) {
        this.woken = false;
        const end = await this.round(context, slots).catch((error: unknown) => this.failed(context, error));
        if (end === "sleep") await this.pause(this.pollIntervalMs);
      }
    } finally {
      await slots?.release();
    }
  }

  /** One batch (or one slice of re-resolution), and what to do next. */
  private async round(context: WorkerContext, slots: WorkerSlots | undefined): Promise<RoundEnd> {
    // Only callers of idle() from before this round may be told "idle": a round that began before
    // their events committed proves nothing about those events.
    const waitingBeforeRound = this.idleWaiters.length;
    await ingestFirst(context);
    const started = performance.now();
    const partition = slots ? await slots.partition() : undefined;
    const batch = await this.current!.processInboxBatch({ limit: this.limit, ...(partition ? { partition } : {}) });
    this.failures = 0;
    if (batch.deferred > 0 || batch.claimed >= this.limit) {
      this.limit = nextLimit(batch, this.limit, this.batchSize);
      await turn(); // let requests in, go on
      return "again";
    }
    this.limit = this.batchSize;
    if (batch.claimed > 0) {
      await this.breathe(Math.max(this.minBatchIntervalMs, performance.now() - started));
      return "again";
    }
    if ((await this.current!.processMarkedInstances()) > 0) {
      // A slice of re-resolution (links changed) is done: requests first, then the next slice.
      await turn();
      return "again";
    }
    for (const resolve of this.idleWaiters.splice(0, waitingBeforeRound)) resolve();
    // Someone asked during this round: go round once more for them instead of sleeping.
    return this.idleWaiters.length > 0 ? "again" : "sleep";
  }

  /** A batch failed: log it by code, and come back soon (the write lock was taken) or after a backoff. */
  private async failed(context: WorkerContext, error: unknown): Promise<RoundEnd> {
    // Driver messages may quote stored values (names, e-mails): log the code only.
    const e = error as { code?: string; name?: string };
    this.failures++;
    if (e.code === "SQLITE_BUSY" && this.failures <= 20) {
      // Another connection holds SQLite's write lock (the inbox's commit, a CLI import's chunk):
      // the service waits only briefly for it on its event loop, so come back soon, not after a backoff.
      context.logger.debug({ errorCode: e.code, failures: this.failures }, "pipeline batch found the write lock taken; retrying soon");
      await this.pause(25);
      return "again";
    }
    context.logger.error({ errorCode: e.code ?? e.name ?? "error", failures: this.failures }, "pipeline batch failed; retrying");
    await this.pause(Math.min(5000, 100 * 2 ** Math.min(this.failures, 6)));
    return "again";
  }

  /** Sleeps `ms`, or less when woken or stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.woken || this.stopping) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** A pause wake-ups do not cut short (only `stop` does). */
  private breathe(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stopBreathing = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The next batch's row limit under a backlog. More instances pending than a batch takes: about
 * what a batch uses. A backlog of few instances (a large webinar's join storm): double it, since a
 * batch costs per instance what its new events changed plus a part that does not grow with them.
 */
function nextLimit(batch: { claimed: number; deferred: number }, limit: number, batchSize: number): number {
  if (batch.deferred > 0) return Math.max(64, Math.min(batch.claimed * 2, batchSize * maxBacklogFactor));
  return Math.min(limit * 2, batchSize * maxBacklogFactor);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Longest a batch waits for the inbox's commits in flight (see {@link ingestFirst}). */
const ingestFirstMs = 100;

/**
 * SQLite has one writer at a time: batches back to back under a backlog would leave the inbox's
 * thread only instants to take the lock, and acknowledgements would wait seconds. A batch starts
 * once the deliveries in flight have committed (or after a short wait).
 */
async function ingestFirst(context: WorkerContext): Promise<void> {
  if (context.store.dialect !== "sqlite") return;
  const deadline = performance.now() + ingestFirstMs;
  while (context.inbox.inFlight > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}
