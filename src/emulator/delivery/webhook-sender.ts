/**
 * Sends simulated deliveries to a webhook endpoint the way Zoom does: signed, one POST per
 * attempt, success only on a 2xx within 3 seconds, and otherwise three retries (+5, +20, +60
 * minutes after the previous attempt). Simulated time is compressed by `speed`.
 */
import type { ScheduledDelivery } from "../simulator/simulation-types.js";
import { AttemptQueue, type QueuedAttempt } from "./attempt-queue.js";
import { postZoomWebhook } from "./zoom-webhook-post.js";

/** Zoom's retry schedule: each delay counts from the previous attempt (zoom-facts §1.5). */
export const ZOOM_RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 20 * 60_000, 60 * 60_000];

/**
 * How one attempt reaches the target: undefined on success, a reason on failure (retried like
 * Zoom), or `{ lost }` for a delivery that nobody could take and that is never retried (Zoom's
 * WebSocket with no open connection).
 */
export type DeliveryTransport = (raw: string, timeoutMs: number) => Promise<string | { lost: string } | undefined>;

/** Called when the next attempt is more than 2 s of real time away, so a long quiet spell is explained. */
export type IdleListener = (next: { at: number; event: string; waitMs: number }) => void;

/** Options of {@link sendDeliveries}. */
export interface SendOptions {
  /** Webhook URL, e.g. `http://localhost:3000/webhooks/zoom`. */
  target: string;
  /** The app's webhook secret token. */
  secret: string;
  /** How many simulated seconds pass per real second; `"max"` sends as fast as possible, in order. Default 1. */
  speed?: number | "max";
  /** Simulated delays before each retry (the count is the number of retries). Default Zoom's 5/20/60 min. */
  retryDelaysMs?: readonly number[];
  /** A slower answer counts as failed, as with Zoom. Default 3000 (real ms). */
  timeoutMs?: number;
  /** Value of the `clientid` header (the app's client id). */
  clientId?: string;
  /** Requests in flight at once. Default 1, which keeps arrival order equal to schedule order. */
  concurrency?: number;
  /** Called after every `progressEvery` finished attempts (default 100) and once at the end. */
  onProgress?: (progress: SendSummary) => void;
  progressEvery?: number;
  /** Stops sending when aborted; the summary covers what was attempted. */
  signal?: AbortSignal;
  /** How attempts reach the target (default: a signed POST to `target`, as Zoom's webhooks). */
  transport?: DeliveryTransport;
  onIdle?: IdleListener;
}

/** What happened to the deliveries. */
export interface SendSummary {
  /** Distinct deliveries handed in. */
  deliveries: number;
  /** HTTP attempts made (first tries and retries). */
  attempts: number;
  /** Deliveries that eventually got a 2xx in time. */
  acknowledged: number;
  /** Retry attempts made. */
  retried: number;
  /** Deliveries that failed every attempt. */
  failed: number;
  /** Deliveries nobody could take and that are never retried (WebSocket with no open connection). */
  lost: number;
  /** Deliveries not yet finished (only non-zero in progress reports or after an abort). */
  pending: number;
  /** The last failure of each delivery that failed for good. */
  failures: { seq: number; event: string; attempts: number; reason: string }[];
}

/**
 * Delivers `deliveries` (sorted by `at`) to `options.target`, pacing them by their simulated
 * times and retrying failures like Zoom.
 * The deliveries are usually a simulation's (`simulateMeeting(…).deliveries`).
 */
export async function sendDeliveries(deliveries: readonly ScheduledDelivery[], options: SendOptions): Promise<SendSummary> {
  const speed = options.speed ?? 1;
  if (speed !== "max" && !(speed > 0)) throw new Error(`speed: expected a positive number or "max", got ${speed}`);
  return new DeliveryRun(deliveries, options, speed).sendAll();
}

/** One run of {@link sendDeliveries}: the attempts left, those in flight, the summary so far. */
class DeliveryRun {
  private readonly retryDelays: readonly number[];
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly progressEvery: number;
  private readonly summary: SendSummary;
  private readonly queue: AttemptQueue;
  /** Simulated time of the first delivery, sent at `realStart`. */
  private readonly simStart: number;
  private readonly realStart: number;
  /** Each pending delivery's body, serialised once for all its attempts. */
  private readonly rawBodies = new Map<ScheduledDelivery, string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    deliveries: readonly ScheduledDelivery[],
    private readonly options: SendOptions,
    private readonly speed: number | "max",
  ) {
    this.retryDelays = options.retryDelaysMs ?? ZOOM_RETRY_DELAYS_MS;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.progressEvery = Math.max(1, options.progressEvery ?? 100);
    this.summary = { deliveries: deliveries.length, attempts: 0, acknowledged: 0, retried: 0, failed: 0, lost: 0, pending: deliveries.length, failures: [] };
    const sorted = [...deliveries].sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.simStart = sorted[0]?.at ?? 0;
    this.realStart = Date.now();
    this.queue = new AttemptQueue(sorted);
  }

  /** Until every attempt is made (or the signal aborts): wait for its time and a free slot, then start it. */
  async sendAll(): Promise<SendSummary> {
    const { signal } = this.options;
    for (;;) {
      if (signal?.aborted) break;
      let attempt = this.queue.take();
      if (!attempt && this.inFlight.size > 0) {
        // A retry may still be scheduled by a request in flight.
        await Promise.race(this.inFlight);
        attempt = this.queue.take();
      }
      if (!attempt) {
        if (this.inFlight.size === 0) break;
        continue;
      }
      if (this.speed !== "max") {
        const wait = this.realWaitFor(attempt, this.speed);
        if (wait > 0) await sleep(wait, signal);
        if (signal?.aborted) break;
      }
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const running = this.launch(attempt);
      // With one request at a time, wait for it so a retry it schedules can take its turn in order.
      if (this.concurrency === 1) await running;
    }
    await Promise.all(this.inFlight);
    this.options.onProgress?.({ ...this.summary });
    return this.summary;
  }

  /** Real milliseconds until the attempt's simulated time comes; a long wait is told to `onIdle`. */
  private realWaitFor(attempt: QueuedAttempt, speed: number): number {
    const wait = this.realStart + (attempt.simAt - this.simStart) / speed - Date.now();
    if (wait > 2000) this.options.onIdle?.({ at: attempt.simAt, event: attempt.delivery.event, waitMs: wait });
    return wait;
  }

  private launch(attempt: QueuedAttempt): Promise<void> {
    const promise: Promise<void> = this.make(attempt).finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
    return promise;
  }

  /** One attempt through the transport, then its delivery settled or retried. */
  private async make(attempt: QueuedAttempt): Promise<void> {
    const raw = this.rawBody(attempt.delivery);
    this.summary.attempts++;
    if (attempt.index > 0) this.summary.retried++;
    const transport = this.options.transport ?? ((body: string, ms: number) => postZoomWebhook(this.options, body, ms));
    const reason = await transport(raw, this.timeoutMs);
    this.settle(attempt, reason);
    if (this.summary.attempts % this.progressEvery === 0) this.options.onProgress?.({ ...this.summary });
  }

  private rawBody(delivery: ScheduledDelivery): string {
    let raw = this.rawBodies.get(delivery);
    if (raw === undefined) {
      raw = JSON.stringify(delivery.body);
      this.rawBodies.set(delivery, raw);
    }
    return raw;
  }

  /** Counts what became of the attempt: lost, acknowledged, retried later, or failed for good. */
  private settle(attempt: QueuedAttempt, reason: string | { lost: string } | undefined): void {
    const { delivery, index } = attempt;
    const failed = typeof reason !== "object" && reason !== undefined;
    if (failed && index < this.retryDelays.length) {
      this.queue.retry(attempt, this.retryDelays[index]!);
      return;
    }
    if (typeof reason === "object") this.summary.lost++;
    else if (reason === undefined) this.summary.acknowledged++;
    else {
      this.summary.failed++;
      this.summary.failures.push({ seq: delivery.seq, event: delivery.event, attempts: index + 1, reason });
    }
    this.summary.pending--;
    this.rawBodies.delete(delivery);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
