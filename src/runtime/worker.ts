import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config/index.js";
import type { InboxWriter } from "../store/inbox/index.js";
import type { RollcallDatabase } from "../store/index.js";
import type { DoorBoard } from "./doors.js";

/**
 * What a background worker gets when the service starts it. Declared here, below both the service
 * that builds it and the workers that use it, so workers receive their dependencies instead of
 * importing the composition root.
 */
export interface WorkerContext {
  config: Config;
  store: RollcallDatabase;
  /** The inbox writer: `inbox.onCommitted(ids => …)` wakes a worker right after new events commit. */
  inbox: InboxWriter;
  logger: Logger;
  /** The service's metrics; workers register theirs on `metrics.registry`. */
  metrics: { registry: Registry };
  /** Where a door for Zoom's events (the WebSocket) says how it stands, for `/readyz`. */
  doors?: DoorBoard;
}

/**
 * A background task that lives as long as the service (the pipeline, reconciliation, the outbox
 * sender, …). `start` may return before the work ends; `stop` must let current work finish and
 * resolve after.
 */
export interface Worker {
  name: string;
  start(context: WorkerContext): void | Promise<void>;
  stop(): void | Promise<void>;
}
