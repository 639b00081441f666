import { loadConfig, type Config, type ConfigInput } from "../config/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../store/index.js";
import type { StoreFlags } from "./store-options.js";

/**
 * Loads the configuration exactly as `rollcall serve` does: environment, optional config file, then
 * the flags (and any further `overrides`, which win).
 */
export function configFromFlags(flags: StoreFlags, overrides: ConfigInput = {}): Config {
  const fromFlags: ConfigInput = {};
  if (flags.databaseUrl) fromFlags.databaseUrl = flags.databaseUrl;
  if (flags.dataDir) fromFlags.dataDir = flags.dataDir;
  return loadConfig({ overrides: { ...fromFlags, ...overrides }, ...(flags.config ? { file: flags.config } : {}) });
}

/**
 * Loads the configuration as {@link configFromFlags}, opens its database, migrates it, runs `work`
 * and closes the database.
 */
export async function withConfiguredStore<T>(flags: StoreFlags, work: (store: RollcallDatabase, config: Config) => Promise<T>): Promise<T> {
  const config = configFromFlags(flags);
  const store = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(store);
    return await work(store, config);
  } finally {
    await store.close();
  }
}
