import type { Config } from "../config/index.js";
import type { Worker } from "../runtime/index.js";
import { pipelineWorkerFromConfig } from "./pipeline-from-config.js";
import { reconcileWorkerFromConfig } from "./reconcile-from-config.js";
import { createWebhookSenderWorker } from "../notify/index.js";
import { websocketDoorFromConfig } from "./websocket-from-config.js";

/**
 * The background workers a service runs, each built from the config: the pipeline,
 * reconciliation (which stays off, and says why, without Zoom credentials) and the outbound
 * webhook sender, and Zoom's WebSocket door when a subscription is configured. `rollcall serve` and
 * `createRollcall` both start exactly these. The `ingest` role runs only the WebSocket door (it
 * stores Zoom's events); `worker` runs every one but that door; `all` runs them all.
 */
export function serviceWorkers(config: Config): Worker[] {
  const door = config.role === "worker" ? undefined : websocketDoorFromConfig(config);
  const doors = door ? [door] : [];
  if (config.role === "ingest") return doors;
  return [...doors, pipelineWorkerFromConfig(config), reconcileWorkerFromConfig(config), createWebhookSenderWorker()];
}
