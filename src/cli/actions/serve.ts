import type { ConfigInput } from "../../config/index.js";
import { serviceWorkers, startRollcall } from "../../service/index.js";
import { configFromFlags } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface ServeFlags extends StoreFlags {
  port?: string;
  host?: string;
  role?: string;
}

/** `rollcall serve`: runs the service until SIGTERM/SIGINT, then stops gracefully and exits. */
export async function runServe(flags: ServeFlags): Promise<void> {
  const overrides: ConfigInput = {
    ...(flags.port !== undefined ? { port: flags.port as unknown as number } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.role !== undefined ? { role: flags.role as ConfigInput["role"] } : {}),
  };
  const config = configFromFlags(flags, overrides);
  const rollcall = await startRollcall(config, { workers: serviceWorkers(config) });
  await rollcall.stopped;
  // Whatever a library left scheduled, the service has stopped: leave now.
  process.exit(0);
}
