import type { Command } from "commander";

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
