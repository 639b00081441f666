import { Migrator, type Migration, type MigrationResultSet } from "kysely";
import type { RollcallDatabase } from "./database.js";
import { migrations } from "./migrations/index.js";

/**
 * Brings the schema to the newest version. Safe to run from several processes at once: Kysely takes
 * a lock (a row lock on PostgreSQL, the write lock on SQLite) while migrating.
 *
 * @returns the names of the migrations applied now (empty when already current).
 */
export async function migrateToLatest(store: RollcallDatabase): Promise<string[]> {
  const result = await migratorFor(store).migrateToLatest();
  return applied(result, store);
}

function migratorFor(store: RollcallDatabase): Migrator {
  const provided: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(migrations)) {
    provided[name] = {
      up: (db) => migration.up(db, store.dialect),
      ...(migration.down ? { down: (db) => migration.down!(db, store.dialect) } : {}),
    };
  }
  return new Migrator({ db: store.db, provider: { getMigrations: async () => provided } });
}

function applied({ error, results }: MigrationResultSet, store: RollcallDatabase): string[] {
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    if (failed !== undefined) throw new Error(`migration ${failed} failed: ${message}`, { cause: error });
    // No migration ran: the database could not be reached or locked (refused, wrong name, timeout).
    const code = (error as { code?: unknown }).code;
    throw new Error(`database ${store.url}: could not be reached to migrate (${typeof code === "string" ? `${code}: ` : ""}${message})`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
