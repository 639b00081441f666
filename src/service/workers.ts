import type { Config } from "../config/index.js";
import type { Worker } from "../runtime/index.js";
import { pipelineWorkerFromConfig } from "./pipeline-from-config.js";
import { reconcileWorkerFromConfig } from "./reconcile-from-config.js";
import { createWebhookSenderWorker } from "../notify/index.js";

/**
 * The background workers a full service runs, each built from the config: the pipeline and
 * reconciliation (which stays off, and says why, without Zoom credentials), and the outbound
 * webhook sender. `rollcall serve` and
 * `createRollcall` both start exactly these.
 */
export function serviceWorkers(config: Config): Worker[] {
  return [pipelineWorkerFromConfig(config), reconcileWorkerFromConfig(config), createWebhookSenderWorker()];
}
