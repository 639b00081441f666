import type { Command } from "commander";
import type { ConfigInput } from "../../config/index.js";
import { configFromFlags, withStoreOptions, type StoreFlags } from "../configured-store.js";

interface ServeFlags extends StoreFlags {
  port?: string;
  host?: string;
  role?: string;
}

/**
 * `rollcall serve`: runs the service until SIGTERM/SIGINT, then stops gracefully.
 */
export function registerServeCommand(program: Command): void {
  withStoreOptions(
    program
      .command("serve")
      .description("receive Zoom webhooks on POST /webhooks/zoom and run the background workers")
      .option("-p, --port <port>", "port to listen on (PORT, default 3000)")
      .option("--host <host>", "address to listen on (HOST, default 0.0.0.0)")
      .option("--role <role>", "all | ingest (verify and store webhooks only) | worker (background workers, no webhook route) (ROLLCALL_ROLE, default all)"),
  ).action(async (flags: ServeFlags) => {
    const overrides: ConfigInput = {
      ...(flags.port !== undefined ? { port: flags.port as unknown as number } : {}),
      ...(flags.host !== undefined ? { host: flags.host } : {}),
      ...(flags.role !== undefined ? { role: flags.role as ConfigInput["role"] } : {}),
    };
    const config = configFromFlags(flags, overrides);
    // Loaded here, not at the top: every other command would otherwise load the whole service
    // (HTTP API, docs, workers) just to start.
    const { serviceWorkers, startRollcall } = await import("../../service/index.js");
    const rollcall = await startRollcall(config, { workers: serviceWorkers(config) });
    await rollcall.stopped;
    // Whatever a library left scheduled, the service has stopped: leave now.
    process.exit(0);
  });
}
