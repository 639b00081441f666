import { loadConfig, type Config, type ConfigInput } from "../../config/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../store/index.js";

/** The flags every directory command shares with `rollcall serve` to find the database. */
export interface StoreFlags {
  databaseUrl?: string;
  dataDir?: string;
  config?: string;
}

/**
 * Loads the configuration exactly as `rollcall serve` does (environment, optional config file, then
 * flags), opens its database, migrates it, runs `work` and closes the database.
 *
 * @example
 * await withConfiguredStore({ databaseUrl: "sqlite:./data/rollcall.db" }, (store, config) => attendanceReport(store.db, uuid));
 */
export async function withConfiguredStore<T>(flags: StoreFlags, work: (store: RollcallDatabase, config: Config) => Promise<T>): Promise<T> {
  const overrides: ConfigInput = {};
  if (flags.databaseUrl) overrides.databaseUrl = flags.databaseUrl;
  if (flags.dataDir) overrides.dataDir = flags.dataDir;
  const config = loadConfig({ overrides, ...(flags.config ? { file: flags.config } : {}) });
  const store = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(store);
    return await work(store, config);
  } finally {
    await store.close();
  }
}
