/**
 * Sends simulated deliveries to a webhook endpoint the way Zoom does: signed, one POST per
 * attempt, success only on a 2xx within 3 seconds, and otherwise three retries (+5, +20, +60
 * minutes after the previous attempt). Simulated time is compressed by `speed`.
 */
import { randomBytes } from "node:crypto";
import type { ScheduledDelivery } from "../simulator/simulation-types.js";
import { signWebhook } from "./zoom-signature.js";

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

interface Attempt {
  simAt: number;
  order: number;
  delivery: ScheduledDelivery;
  index: number; // 0 = first try
}

/**
 * Delivers `deliveries` (sorted by `at`) to `options.target`, pacing them by their simulated
 * times and retrying failures like Zoom.
 * The deliveries are usually a simulation's (`simulateMeeting(…).deliveries`).
 */
export async function sendDeliveries(deliveries: readonly ScheduledDelivery[], options: SendOptions): Promise<SendSummary> {
  const retryDelays = options.retryDelaysMs ?? ZOOM_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 3000;
  const speed = options.speed ?? 1;
  if (speed !== "max" && !(speed > 0)) throw new Error(`speed: expected a positive number or "max", got ${speed}`);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const progressEvery = Math.max(1, options.progressEvery ?? 100);

  const summary: SendSummary = {
    deliveries: deliveries.length,
    attempts: 0,
    acknowledged: 0,
    retried: 0,
    failed: 0,
    lost: 0,
    pending: deliveries.length,
    failures: [],
  };
  const sorted = [...deliveries].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const simStart = sorted[0]?.at ?? 0;
  const realStart = Date.now();
  const rawBodies = new Map<ScheduledDelivery, string>();
  let order = 0;
  const firstTries: Attempt[] = sorted.map((delivery) => ({ simAt: delivery.at, order: order++, delivery, index: 0 }));
  const retries: Attempt[] = []; // kept sorted; usually short
  let nextFirst = 0;
  const inFlight = new Set<Promise<void>>();

  const takeNext = (): Attempt | undefined => {
    const a = firstTries[nextFirst];
    const b = retries[0];
    if (a && (!b || a.simAt < b.simAt || (a.simAt === b.simAt && a.order < b.order))) {
      nextFirst++;
      return a;
    }
    return retries.shift();
  };
  const pushRetry = (attempt: Attempt) => {
    let i = retries.length;
    while (i > 0 && retries[i - 1]!.simAt > attempt.simAt) i--;
    retries.splice(i, 0, attempt);
  };

  const run = async (attempt: Attempt) => {
    const { delivery } = attempt;
    let raw = rawBodies.get(delivery);
    if (raw === undefined) {
      raw = JSON.stringify(delivery.body);
      rawBodies.set(delivery, raw);
    }
    summary.attempts++;
    if (attempt.index > 0) summary.retried++;
    const reason = await (options.transport ?? ((body: string, ms: number) => postOnce(options, body, ms)))(raw, timeoutMs);
    if (typeof reason === "object") {
      summary.lost++;
      summary.pending--;
      rawBodies.delete(delivery);
    } else if (reason === undefined) {
      summary.acknowledged++;
      summary.pending--;
      rawBodies.delete(delivery);
    } else if (attempt.index < retryDelays.length) {
      pushRetry({ simAt: attempt.simAt + retryDelays[attempt.index]!, order: order++, delivery, index: attempt.index + 1 });
    } else {
      summary.failed++;
      summary.pending--;
      summary.failures.push({ seq: delivery.seq, event: delivery.event, attempts: attempt.index + 1, reason });
      rawBodies.delete(delivery);
    }
    if (summary.attempts % progressEvery === 0) options.onProgress?.({ ...summary });
  };

  for (;;) {
    if (options.signal?.aborted) break;
    let attempt = takeNext();
    if (!attempt && inFlight.size > 0) {
      // A retry may still be scheduled by a request in flight.
      await Promise.race(inFlight);
      attempt = takeNext();
    }
    if (!attempt) {
      if (inFlight.size === 0) break;
      continue;
    }
    if (speed !== "max") {
      const wait = realStart + (attempt.simAt - simStart) / speed - Date.now();
      if (wait > 2000) options.onIdle?.({ at: attempt.simAt, event: attempt.delivery.event, waitMs: wait });
      if (wait > 0) await sleep(wait, options.signal);
      if (options.signal?.aborted) break;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const promise: Promise<void> = run(attempt).finally(() => inFlight.delete(promise));
    inFlight.add(promise);
    // With one request at a time, wait for it so a retry it schedules can take its turn in order.
    if (concurrency === 1) await promise;
  }
  await Promise.all(inFlight);
  options.onProgress?.({ ...summary });
  return summary;
}

/** One signed POST. Returns undefined on success, else why it failed. */
async function postOnce(options: SendOptions, raw: string, timeoutMs: number): Promise<string | undefined> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Zoom Marketplace/1.0a",
    "x-zm-request-timestamp": timestamp,
    "x-zm-signature": signWebhook(options.secret, timestamp, raw),
    // Unique per attempt: whether Zoom reuses it across retries is unconfirmed (zoom-facts §1.5).
    "x-zm-trackingid": `v=2.0;clid=us06;rid=WEBHOOK_${randomBytes(12).toString("hex").toUpperCase()}`,
  };
  if (options.clientId !== undefined) headers.clientid = options.clientId;
  try {
    const response = await fetch(options.target, {
      method: "POST",
      headers,
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
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
