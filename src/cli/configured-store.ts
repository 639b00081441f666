import type { Command } from "commander";
import { loadConfig, type Config, type ConfigInput } from "../config/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../store/index.js";

/** The flags every command shares with `rollcall serve` to find the configuration and the database. */
export interface StoreFlags {
  databaseUrl?: string;
  dataDir?: string;
  config?: string;
}

/**
 * Adds `--database-url`, `--data-dir` and `-c, --config` to a command: one definition for every
 * command that reads or writes the database, so they cannot drift apart.
 */
export function withStoreOptions(command: Command): Command {
  return command
    .option("--database-url <url>", "sqlite:<path> or postgres://… (DATABASE_URL)")
    .option("--data-dir <dir>", "data directory (ROLLCALL_DATA_DIR, default ./data)")
    .option("-c, --config <file>", "JSON or YAML file of config keys");
}

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
