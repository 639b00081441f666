import type { Config } from "../config/index.js";
import { learnRegistrants } from "../directory/learn-registrants.js";
import { directoryRevision, loadInstanceLinks } from "../directory/load-instance-links.js";
import { loadLinkPages, loadLinks } from "../directory/load-links.js";
import type { PipelineOptions } from "../pipeline/pipeline-options.js";
import { createPipelineWorker, type PipelineWorker } from "../pipeline/pipeline-worker.js";
import { notifyWriterFromConfig } from "./notify-from-config.js";
import { privacySettingsFromConfig } from "../zoom/privacy/index.js";

/**
 * Pipeline options from the service configuration: the directory's links (kept between batches by
 * its revision, read per instance for re-resolution) and registrant learning,
 * the privacy mode (with its hash key, generated into the data directory when not configured) and
 * the display-name token pattern.
 */
export function pipelineOptionsFromConfig(config: Config): PipelineOptions & Required<Pick<PipelineOptions, "engine">> {
  return {
    loadLinks,
    linksRevision: directoryRevision,
    loadLinkPages,
    loadInstanceLinks,
    cacheMaxInstances: config.cacheMaxInstances,
    onRegistrations: learnRegistrants,
    normalise: privacySettingsFromConfig(config),
    engine: { namePattern: new RegExp(config.namePattern) },
  };
}

/**
 * The pipeline worker `rollcall serve` runs. It announces what changes (outbound webhooks, the live
 * stream); `reprocess`, which rebuilds rows rather than changing facts, does not.
 */
export function pipelineWorkerFromConfig(config: Config): PipelineWorker {
  return createPipelineWorker({ pipeline: { ...pipelineOptionsFromConfig(config), onRowChanges: notifyWriterFromConfig(config).onRowChanges } });
}
