import type { Config } from "../config/index.js";
import type { Worker } from "../runtime/index.js";
import { pipelineWorkerFromConfig } from "./pipeline-from-config.js";
import { reconcileWorkerFromConfig } from "./reconcile-from-config.js";

/**
 * The background workers a service runs, each built from the config: the pipeline and
 * reconciliation (which stays off, and says why, without Zoom credentials). `rollcall serve` and
 * `createRollcall` both start exactly these. The `ingest` role runs none (it only stores webhooks);
 * `all` and `worker` run every one.
 */
export function serviceWorkers(config: Config): Worker[] {
  if (config.role === "ingest") return [];
  return [pipelineWorkerFromConfig(config), reconcileWorkerFromConfig(config)];
}
