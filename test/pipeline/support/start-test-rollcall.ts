import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { createPipelineWorker, type LoadLinks, type PipelineWorker } from "../../../src/pipeline/index.js";
import { startRollcall, type RunningRollcall } from "../../../src/service/start-rollcall.js";

export const testSecret = "pipeline-test-secret-token";

/** A Rollcall service on a random port with the pipeline worker, as `rollcall serve` runs it. */
export interface TestRollcall {
  rollcall: RunningRollcall;
  worker: PipelineWorker;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the real service (HTTP ingest, inbox, pipeline worker) on `databaseUrl`. `loadLinks` is
 * the links seam: tests give the links they mean.
 */
export async function startTestRollcall(databaseUrl: string, loadLinks: LoadLinks, batchSize?: number): Promise<TestRollcall> {
  const config = loadConfig({
    env: {},
    overrides: { port: 0, host: "127.0.0.1", databaseUrl, webhookSecrets: [testSecret], dataDir: mkdtempSync(join(tmpdir(), "rollcall-pipeline-")), logLevel: (process.env["ROLLCALL_TEST_LOG"] ?? "silent") as "silent" },
  });
  const worker = createPipelineWorker({ pipeline: { loadLinks, ...(batchSize ? { batchSize } : {}) }, pollIntervalMs: 50 });
  const rollcall = await startRollcall(config, { workers: [worker], handleSignals: false, print: () => {} });
  return { rollcall, worker, url: rollcall.url, stop: () => rollcall.stop() };
}
