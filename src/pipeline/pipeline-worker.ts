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
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const minBatchIntervalMs = options.minBatchIntervalMs ?? 25;
  let pipeline: Pipeline | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let unsubscribe: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  const wake = (): void => {
    woken = true;
    wakeUp?.();
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  /** A pause wake-ups do not cut short (only `stop` does). */
  const breathe = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopBreathing = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let stopBreathing: (() => void) | undefined;
  let batchSize = 0;
  let limit = 0;

  async function loop(context: WorkerContext): Promise<void> {
    // PostgreSQL: a slot among the workers sharing the database, so each instance has one worker.
    const slots = await joinWorkerSlots(context.store).catch((error: unknown) => {
      context.logger.warn({ errorCode: (error as { code?: string }).code ?? "error" }, "pipeline: no worker slot; taking rows of every instance");
      return undefined;
    });
    try {
      await rounds(context, slots);
    } finally {
      await slots?.release();
    }
  }

  async function rounds(context: WorkerContext, slots: WorkerSlots | undefined): Promise<void> {
    let failures = 0;
    while (!stopping) {
      woken = false;
      // Only callers of idle() from before this round may be told "idle": a round that began before
      // their events committed proves nothing about those events.
      const waitingBeforeRound = idleWaiters.length;
      try {
        await ingestFirst(context);
        const started = performance.now();
        const partition = slots ? await slots.partition() : undefined;
        const batch = await pipeline!.processInboxBatch({ limit, ...(partition ? { partition } : {}) });
        failures = 0;
        if (batch.deferred > 0) {
          // More instances pending than a batch takes: go on at once, reading about what a batch uses.
          limit = Math.max(64, Math.min(batch.claimed * 2, batchSize * maxBacklogFactor));
          await new Promise((resolve) => setImmediate(resolve)); // let requests in, go on
          continue;
        }
        if (batch.claimed >= limit) {
          // A backlog of few instances (a large webinar's join storm): take more next time; a batch
          // costs per instance what its new events changed, plus a part that does not grow with them.
          limit = Math.min(limit * 2, batchSize * maxBacklogFactor);
          await new Promise((resolve) => setImmediate(resolve)); // let requests in, go on
          continue;
        }
        limit = batchSize;
        if (batch.claimed > 0) {
          await breathe(Math.max(minBatchIntervalMs, performance.now() - started));
          continue;
        }
        if ((await pipeline!.processMarkedInstances()) > 0) {
          // A slice of re-resolution (links changed) is done: requests first, then the next slice.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        for (const resolve of idleWaiters.splice(0, waitingBeforeRound)) resolve();
        // Someone asked during this round: go round once more for them instead of sleeping.
        if (idleWaiters.length > 0) continue;
      } catch (error) {
        // Driver messages may quote stored values (names, e-mails): log the code only.
        const e = error as { code?: string; name?: string };
        if (e.code === "SQLITE_BUSY" && failures < 20) {
          // Another connection holds SQLite's write lock (the inbox's commit, a CLI import's chunk):
          // the service waits only briefly for it on its event loop, so come back soon, not after a backoff.
          failures++;
          context.logger.debug({ errorCode: e.code, failures }, "pipeline batch found the write lock taken; retrying soon");
          await pause(25);
          continue;
        }
        failures++;
        context.logger.error({ errorCode: e.code ?? e.name ?? "error", failures }, "pipeline batch failed; retrying");
        await pause(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      await pause(pollIntervalMs);
    }
  }

  return {
    name: "pipeline",
    get pipeline() {
      return pipeline;
    },
    start(context) {
      const base = typeof options.pipeline === "function" ? options.pipeline(context) : options.pipeline;
      pipeline = createPipeline(context.store, {
        ...base,
        metrics: base.metrics ?? pipelineMetrics(context.metrics.registry),
        logger: base.logger ?? context.logger,
      });
      batchSize = base.batchSize ?? 2000;
      limit = batchSize;
      unsubscribe = context.inbox.onCommitted(wake);
      stopping = false;
      running = loop(context);
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      wakeUp?.();
      stopBreathing?.();
      await running;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
    wake,
    idle() {
      if (!running || stopping) return Promise.resolve();
      const promise = new Promise<void>((resolve) => idleWaiters.push(resolve));
      wake();
      return promise;
    },
  };
}

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
