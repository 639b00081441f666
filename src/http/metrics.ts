import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Every outcome of a `POST /webhooks/zoom`, the `outcome` label of `rollcall_webhook_requests_total`. */
export const webhookOutcomes = [
  "stored",
  "duplicate",
  "url_validation",
  "missing_timestamp",
  "invalid_timestamp",
  "stale_timestamp",
  "future_timestamp",
  "missing_signature",
  "invalid_signature",
  "malformed",
  "too_large",
  "unsupported_media_type",
  "unavailable",
  "error",
] as const;
export type WebhookOutcome = (typeof webhookOutcomes)[number];

/** Rollcall's Prometheus metrics, in a registry of their own (so several apps can share a process). */
export interface RollcallMetrics {
  registry: Registry;
  /** Counts one webhook request by outcome. */
  countWebhook(outcome: WebhookOutcome): void;
  /** Records one group commit (fits `InboxWriterOptions.onCommit`). */
  observeCommit(outcome: { ok: boolean; size: number; seconds: number }): void;
  /** Counts deliveries answered unavailable and stored after all (fits `InboxWriterOptions.onStoredLate`). */
  countStoredLate(count: number): void;
  /** Sets how the inbox depth (events the pipeline has not applied yet) is read at scrape time. */
  trackInboxDepth(read: () => Promise<number>): void;
}

/**
 * Creates the metrics: webhook requests by outcome, deliveries stored after a 503, inbox depth,
 * group-commit latency and batch size, plus Node's default process metrics.
 */
export function createMetrics(): RollcallMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "rollcall_webhook_requests_total",
    help: "Zoom webhook requests, by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });
  // Zero for every outcome from the start, so a rate() over a rare outcome has a baseline. Bound
  // once: a label lookup per request (prom-client hashes the label object) costs more than the count.
  const byOutcome = new Map(webhookOutcomes.map((outcome) => [outcome, requests.labels({ outcome })]));
  for (const counter of byOutcome.values()) counter.inc(0);
  const commitSeconds = new Histogram({
    name: "rollcall_inbox_commit_seconds",
    help: "Duration of inbox group commits, by result",
    labelNames: ["result"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const committed = commitSeconds.labels({ result: "ok" });
  const failed = commitSeconds.labels({ result: "failed" });
  const batchSize = new Histogram({
    name: "rollcall_inbox_commit_batch_size",
    help: "Deliveries per inbox group commit",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const storedLate = new Counter({
    name: "rollcall_webhook_stored_after_unavailable_total",
    help: "Zoom deliveries answered 503 (their commit outlasted the ack timeout) whose commit then succeeded: stored, and Zoom's retry is a duplicate",
    registers: [registry],
  });
  let readDepth: (() => Promise<number>) | undefined;
  new Gauge({
    name: "rollcall_inbox_depth",
    help: "Inbox events not yet applied by the pipeline (status pending)",
    registers: [registry],
    async collect() {
      if (!readDepth) return;
      try {
        this.set(await readDepth());
      } catch {
        // Database unreachable: leave the last value; rollcall_webhook_requests_total{outcome="unavailable"} tells.
      }
    },
  });
  return {
    registry,
    countWebhook: (outcome) => byOutcome.get(outcome)!.inc(),
    observeCommit: ({ ok, size, seconds }) => {
      (ok ? committed : failed).observe(seconds);
      if (ok) batchSize.observe(size);
    },
    countStoredLate: (count) => storedLate.inc(count),
    trackInboxDepth: (read) => {
      readDepth = read;
    },
  };
}
