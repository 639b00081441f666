import { Counter, Histogram, type Registry } from "prom-client";

/** The pipeline's Prometheus metrics (the inbox depth is the HTTP layer's `trackInboxDepth`). */
export interface PipelineMetrics {
  /** Seconds from an event's arrival (`received_at`) to its processing commit. */
  lag: Histogram;
  /**
   * Inbox rows processed, by outcome (`done`, `ignored`, `parked`, and `duplicate`: a redelivery the
   * inbox did not recognise when it stored it, merged into its event's row by the batch that claimed it).
   */
  processed: Counter<"status">;
  /** Events parked because they could not be normalised or applied. */
  parked: Counter;
  /** Seconds one batch took, claim to commit. */
  batchSeconds: Histogram;
}

/**
 * Registers the pipeline metrics on `registry` (once per registry: a second call returns the same
 * metrics, so several pipelines in one process, e.g. in tests, share them).
 */
export function pipelineMetrics(registry: Registry): PipelineMetrics {
  const existing = registry.getSingleMetric("rollcall_pipeline_lag_seconds");
  if (existing) {
    return {
      lag: existing as Histogram,
      processed: registry.getSingleMetric("rollcall_pipeline_events_total") as Counter<"status">,
      parked: registry.getSingleMetric("rollcall_pipeline_parked_events_total") as Counter,
      batchSeconds: registry.getSingleMetric("rollcall_pipeline_batch_seconds") as Histogram,
    };
  }
  const registers = [registry];
  return {
    lag: new Histogram({
      name: "rollcall_pipeline_lag_seconds",
      help: "Seconds from an event's arrival in the inbox to the commit of its processing",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    processed: new Counter({ name: "rollcall_pipeline_events_total", help: "Inbox events processed, by outcome", labelNames: ["status"], registers }),
    parked: new Counter({ name: "rollcall_pipeline_parked_events_total", help: "Inbox events parked (unreadable or failing); see `rollcall reprocess --list-parked`", registers }),
    batchSeconds: new Histogram({
      name: "rollcall_pipeline_batch_seconds",
      help: "Seconds one pipeline batch took, claim to commit",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    }),
  };
}
