import type { Config } from "../config/index.js";
import type { Worker } from "../runtime/index.js";
import { pipelineWorkerFromConfig } from "./pipeline-from-config.js";
import { reconcileWorkerFromConfig } from "./reconcile-from-config.js";
import { createWebhookSenderWorker } from "../notify/index.js";

/**
 * The background workers a service runs, each built from the config: the pipeline,
 * reconciliation (which stays off, and says why, without Zoom credentials) and the outbound
 * webhook sender. `rollcall serve` and `createRollcall` both start exactly these. The `ingest`
 * role runs none (it only stores webhooks); `all` and `worker` run every one.
 */
export function serviceWorkers(config: Config): Worker[] {
  if (config.role === "ingest") return [];
  return [pipelineWorkerFromConfig(config), reconcileWorkerFromConfig(config), createWebhookSenderWorker()];
}
