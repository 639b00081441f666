export { createPipeline, type BatchSummary, type ClaimScope, type Pipeline } from "./create-pipeline.js";
export { createPipelineWorker, type PipelineWorker, type PipelineWorkerOptions } from "./pipeline-worker.js";
export { pipelineMetrics, type PipelineMetrics } from "./pipeline-metrics.js";
export type { LoadLinks, PipelineLogger, PipelineOptions, RegistrationHandler, RowChangesHandler } from "./pipeline-options.js";
export { InstanceCache, instanceKey, type CachedInstance } from "./instance-cache.js";
export { withWriteTransaction, lockInstances, tryLockInstance } from "./write-transaction.js";
export { reprocess, type ReprocessOptions, type ReprocessResult } from "./reprocess.js";
export { settleInstances } from "./settle-instances.js";
export { listParkedEvents, type ParkedEvent } from "./parked-events.js";
