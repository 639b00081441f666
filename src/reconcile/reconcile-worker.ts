import type { Worker, WorkerContext } from "../runtime/index.js";
import type { RollcallDatabase } from "../store/index.js";
import { ZoomApiError, ZoomNetworkError, ZoomRateLimitError, ZoomReportNotReadyError } from "../zoom/api/index.js";
import { reconcileInstance, type ReconcileContext, type ReconcileOutcome } from "./reconcile-instance.js";
import { retryDelayMs, type ReconcileSettings } from "./reconcile-settings.js";
import {
  claimDueReconciliations,
  giveUpReconciliation,
  rescheduleReconciliation,
  scheduleEndedInstances,
  scheduleGapInstances,
  scheduleIdleInstances,
  type ReconciliationRow,
} from "./reconciliation-repository.js";

/** Options of {@link createReconcileWorker}. */
export interface ReconcileWorkerOptions {
  /** Only instances of this Zoom account are reconciled: the one the S2S credentials belong to. */
  accountId: string;
  context: ReconcileContext | ((worker: WorkerContext) => ReconcileContext);
  settings: ReconcileSettings;
  /** How often the worker looks for ended instances and due reconciliations (default 5 s). */
  pollIntervalMs?: number;
  /** How long a claimed reconciliation stays with this process before another may take it (default 5 min). */
  leaseMs?: number;
  /** Most reconciliations one round claims (default 20); the rest wait for the next round. */
  batchSize?: number;
  /** Told about every finished reconciliation (tests, metrics). */
  onReconciled?: (outcome: ReconcileOutcome) => void;
}

/** The reconciliation worker, plus a way to run one round now (tests). */
export interface ReconcileWorker extends Worker {
  /** Schedules ended (and idle live) instances and runs every due reconciliation once; resolves with how many finished. */
  runOnce(): Promise<number>;
}

/** What one attempt leads to. */
export type AttemptResult = { state: "finalized"; outcome: ReconcileOutcome } | { state: "scheduled"; dueAt: number; error: string } | { state: "failed" | "expired"; error: string };

/**
 * Runs one claimed reconciliation and records what follows: `finalized`; back to `scheduled` with
 * backoff while Zoom says the report is not ready (until the deadline: `expired`), after a 429 (at
 * Zoom's `retryAt`) or an outage; `failed` on any other Zoom refusal.
 */
export async function attemptReconciliation(store: RollcallDatabase, row: ReconciliationRow, context: ReconcileContext, settings: ReconcileSettings, product: "meeting" | "webinar" = "meeting"): Promise<AttemptResult> {
  const now = context.now ?? Date.now;
  const key = { accountId: row.account_id, instanceUuid: row.instance_uuid };
  try {
    const outcome = await reconcileInstance(store, { ...key, meetingId: row.meeting_id, product }, context);
    return { state: "finalized", outcome };
  } catch (error) {
    const at = now();
    const message = describe(error);
    let dueAt: number | undefined;
    if (error instanceof ZoomReportNotReadyError || error instanceof ZoomNetworkError || (error instanceof ZoomApiError && error.status >= 500)) {
      dueAt = at + retryDelayMs(Number(row.attempts), settings);
    } else if (error instanceof ZoomRateLimitError) {
      dueAt = Math.max(error.retryAt ?? 0, at + settings.retryMs);
    } else if (!(error instanceof ZoomApiError)) {
      throw error; // the database or a bug: the worker logs it and the lease brings the row back
    }
    if (dueAt === undefined) {
      await giveUpReconciliation(store.db, key, "failed", message, at);
      return { state: "failed", error: message };
    }
    if (dueAt > Number(row.deadline_at)) {
      await giveUpReconciliation(store.db, key, "expired", `gave up at the deadline: ${message}`, at);
      return { state: "expired", error: message };
    }
    await rescheduleReconciliation(store.db, key, dueAt, message, at);
    return { state: "scheduled", dueAt, error: message };
  }
}

/**
 * A {@link Worker} that reconciles ended instances with Zoom's participant reports: it schedules
 * each ended instance `delayMs` after its end (and each live one idle for `idleMs`, or overlapped
 * by a WebSocket gap, whose end webhook may be lost), claims due ones (once across processes), fetches and
 * merges the report, and retries with backoff while Zoom has none yet.
 */
export function createReconcileWorker(options: ReconcileWorkerOptions): ReconcileWorker {
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  let worker: WorkerContext | undefined;
  let context: ReconcileContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<number> | undefined;
  let stopping = false;

  async function roundOnce(): Promise<number> {
    const store = worker!.store;
    const now = context!.now ?? Date.now;
    await scheduleEndedInstances(store.db, options.accountId, { now: now(), delayMs: options.settings.delayMs, deadlineMs: options.settings.deadlineMs });
    await scheduleIdleInstances(store.db, options.accountId, { now: now(), idleMs: options.settings.idleMs, deadlineMs: options.settings.deadlineMs });
    await scheduleGapInstances(store.db, options.accountId, { now: now(), deadlineMs: options.settings.deadlineMs });
    let finished = 0;
    // One claim per round: a row rescheduled a few ms ahead must wait for the next round, not be
    // fetched again at once (the backoff is the point).
    const claimed = await claimDueReconciliations(store, { now: now(), leaseMs, limit: options.batchSize ?? 20, accountId: options.accountId });
    {
      for (const row of claimed) {
        const product = await productOf(store, row);
        const result = await attemptReconciliation(store, row, context!, options.settings, product);
        // Never names or e-mails: instance, counts, and Zoom's status line.
        if (result.state === "finalized") {
          finished++;
          worker!.logger.info({ instance: row.instance_uuid, rows: result.outcome.reportRows, newRows: result.outcome.newRows, ...result.outcome.summary }, "reconciled with Zoom's participant report");
          options.onReconciled?.(result.outcome);
        } else {
          worker!.logger.warn({ instance: row.instance_uuid, state: result.state, attempts: row.attempts, error: result.error }, "reconciliation not done");
        }
      }
    }
    return finished;
  }

  function runOnce(): Promise<number> {
    // One round at a time in this process; rounds of other processes are kept apart by the claim.
    const next = (round ?? Promise.resolve(0)).catch(() => 0).then(roundOnce);
    round = next;
    return next;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => {
          const e = error as { code?: string; name?: string };
          worker?.logger.error({ errorCode: e.code ?? e.name ?? "error" }, "reconciliation round failed; retrying");
        })
        .finally(schedule);
    }, pollIntervalMs);
  }

  return {
    name: "reconcile",
    start(ctx) {
      worker = ctx;
      context = typeof options.context === "function" ? options.context(ctx) : options.context;
      stopping = false;
      schedule();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await round?.catch(() => {});
    },
    runOnce() {
      if (!worker) return Promise.reject(new Error("reconcile worker: start it first"));
      return runOnce();
    },
  };
}

async function productOf(store: RollcallDatabase, row: ReconciliationRow): Promise<"meeting" | "webinar"> {
  const instance = await store.db.selectFrom("instances").select("product").where("account_id", "=", row.account_id).where("instance_uuid", "=", row.instance_uuid).executeTakeFirst();
  return instance?.product === "webinar" ? "webinar" : "meeting";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
