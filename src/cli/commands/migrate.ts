import type { Command } from "commander";
import { withStoreOptions, type StoreFlags } from "../store-options.js";

/**
 * `rollcall migrate`: brings the database schema to the newest version and says what it applied.
 * `serve` migrates at start too; this is for deploys that migrate first.
 */
export function registerMigrateCommand(program: Command): void {
  withStoreOptions(
    program
      .command("migrate")
      .description("apply pending database migrations"),
  ).action(async (flags: StoreFlags) => (await import("../actions/migrate.js")).runMigrate(flags));
}
