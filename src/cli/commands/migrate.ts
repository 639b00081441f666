import type { Command } from "commander";
import { loadConfig } from "../../config/index.js";
import { migrateToLatest, openDatabase } from "../../store/index.js";

/**
 * `rollcall migrate`: brings the database schema to the newest version and says what it applied.
 * `serve` migrates at start too; this is for deploys that migrate first.
 *
 * @example
 * registerMigrateCommand(program); // rollcall migrate --database-url postgres://…
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations")
    .option("--database-url <url>", "sqlite:<path> or postgres://… (DATABASE_URL)")
    .option("--data-dir <dir>", "data directory (ROLLCALL_DATA_DIR, default ./data)")
    .option("-c, --config <file>", "JSON or YAML file of config keys")
    .action(async (flags: { databaseUrl?: string; dataDir?: string; config?: string }) => {
      const config = loadConfig({
        overrides: { ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}), ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) },
        ...(flags.config ? { file: flags.config } : {}),
      });
      const store = await openDatabase(config.databaseUrl);
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(applied.length > 0 ? `applied ${applied.join(", ")} to ${store.url}\n` : `${store.url} is up to date\n`);
      } finally {
        await store.close();
      }
    });
}
