import type { Command } from "commander";
import { configFromFlags, withStoreOptions, type StoreFlags } from "../configured-store.js";
import { migrateToLatest, openDatabase } from "../../store/index.js";

/**
 * `rollcall migrate`: brings the database schema to the newest version and says what it applied.
 * `serve` migrates at start too; this is for deploys that migrate first.
 */
export function registerMigrateCommand(program: Command): void {
  withStoreOptions(
    program
      .command("migrate")
      .description("apply pending database migrations"),
  )
    .action(async (flags: StoreFlags) => {
      const config = configFromFlags(flags);
      const store = await openDatabase(config.databaseUrl);
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(applied.length > 0 ? `applied ${applied.join(", ")} to ${store.url}\n` : `${store.url} is up to date\n`);
      } finally {
        await store.close();
      }
    });
}
