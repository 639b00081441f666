/**
 * The composition root: builds the store, the inbox, the workers and the routes and starts them.
 * Only entry points (the CLI, the library entry) import it.
 */
export { startRollcall, type RunningRollcall, type StartRollcallOptions } from "./start-rollcall.js";
export { serviceWorkers } from "./workers.js";
export { pipelineWorkerFromConfig, pipelineOptionsFromConfig } from "./pipeline-from-config.js";
export { reconcileContextFromConfig, reconcileWorkerFromConfig } from "./reconcile-from-config.js";
export { notifyWriterFromConfig } from "./notify-from-config.js";
