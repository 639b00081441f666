import type { Command } from "commander";
import { loadConfig, type Config, type ConfigInput } from "../../config/index.js";
import { pipelineWorkerFromConfig } from "../../pipeline/pipeline-from-config.js";
import { reconcileWorkerFromConfig } from "../../pipeline/reconcile/reconcile-from-config.js";
import { startRollcall, type Worker } from "../../rollcall.js";

/**
 * The workers `rollcall serve` runs, each built from the config. The pipeline, the outbox sender and
 * other background tasks add their factory here.
 */
// The reconciliation worker stays off (and says why) without Zoom credentials.
export const serveWorkers: Array<(config: Config) => Worker> = [pipelineWorkerFromConfig, (config) => reconcileWorkerFromConfig(config)];

interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

/**
 * `rollcall serve`: runs the service until SIGTERM/SIGINT, then stops gracefully.
 *
 * @example
 * registerServeCommand(program); // rollcall serve --port 8080
 */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("receive Zoom webhooks on POST /webhooks/zoom and run the background workers")
    .option("-p, --port <port>", "port to listen on (PORT, default 3000)")
    .option("--host <host>", "address to listen on (HOST, default 0.0.0.0)")
    .option("--data-dir <dir>", "data directory (ROLLCALL_DATA_DIR, default ./data)")
    .option("--database-url <url>", "sqlite:<path> or postgres://… (DATABASE_URL)")
    .option("-c, --config <file>", "JSON or YAML file of config keys")
    .action(async (flags: ServeFlags) => {
      const config = loadConfig({ overrides: overridesFrom(flags), ...(flags.config ? { file: flags.config } : {}) });
      const rollcall = await startRollcall(config, { workers: serveWorkers.map((make) => make(config)) });
      await rollcall.stopped;
      // Whatever a library left scheduled, the service has stopped: leave now.
      process.exit(0);
    });
}

function overridesFrom(flags: ServeFlags): ConfigInput {
  return {
    ...(flags.port !== undefined ? { port: flags.port as unknown as number } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}),
  };
}
