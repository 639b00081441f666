import { ensureGeneratedSecret, privacyHashKeyFile, type Config } from "../config/index.js";
import { learnRegistrants } from "../directory/learn-registrants.js";
import { loadLinks } from "../directory/load-links.js";
import type { PipelineOptions } from "../pipeline/pipeline-options.js";
import { createPipelineWorker, type PipelineWorker } from "../pipeline/pipeline-worker.js";
import { notifyWriterFromConfig } from "./notify-from-config.js";

/**
 * Pipeline options from the service configuration: the directory's links and registrant learning,
 * the privacy mode (with its hash key, generated into the data directory when not configured) and
 * the display-name token pattern.
 *
 * @example
 * const pipeline = createPipeline(store, pipelineOptionsFromConfig(loadConfig()));
 */
export function pipelineOptionsFromConfig(config: Config): PipelineOptions {
  const hashKey = config.privacy === "hash" ? (config.privacyHashKey ?? ensureGeneratedSecret(config.dataDir, privacyHashKeyFile).value) : undefined;
  return {
    loadLinks,
    onRegistrations: learnRegistrants,
    normalise: { privacy: config.privacy, ...(hashKey !== undefined ? { hashKey } : {}) },
    engine: { namePattern: new RegExp(config.namePattern) },
  };
}

/**
 * The pipeline worker `rollcall serve` runs. It announces what changes (outbound webhooks, the live
 * stream); `reprocess`, which rebuilds rows rather than changing facts, does not.
 *
 * @example
 * serveWorkers.push(pipelineWorkerFromConfig);
 */
export function pipelineWorkerFromConfig(config: Config): PipelineWorker {
  return createPipelineWorker({ pipeline: { ...pipelineOptionsFromConfig(config), onRowChanges: notifyWriterFromConfig(config).onRowChanges } });
}
