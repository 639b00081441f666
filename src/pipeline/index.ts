export { createPipeline, type BatchSummary, type Pipeline } from "./create-pipeline.js";
export { createPipelineWorker, type PipelineWorker, type PipelineWorkerOptions } from "./pipeline-worker.js";
export { pipelineMetrics, type PipelineMetrics } from "./pipeline-metrics.js";
export type { LoadLinks, PipelineLogger, PipelineOptions, RegistrationHandler, RowChangesHandler } from "./pipeline-options.js";
export { InstanceCache, instanceKey, type CachedInstance } from "./instance-cache.js";
export { withWriteTransaction, lockInstances, tryLockInstance } from "./write-transaction.js";
export { instancesAffectedByLinks, markInstancesForReprocessing, reresolveAccount, reresolveForLinks } from "../store/derived/index.js";
export { reprocess, type ReprocessOptions, type ReprocessResult } from "./reprocess.js";
export { listParkedEvents, type ParkedEvent } from "./parked-events.js";
