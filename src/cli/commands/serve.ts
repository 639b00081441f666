import type { Command } from "commander";
import type { ServeFlags } from "../actions/serve.js";
import { withStoreOptions } from "../store-options.js";

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
  ).action(async (flags: ServeFlags) => (await import("../actions/serve.js")).runServe(flags));
}
