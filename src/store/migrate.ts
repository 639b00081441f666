import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from "kysely";
import type { RollcallDatabase } from "./database.js";
import { migrations } from "./migrations/index.js";

/**
 * Brings the schema to the newest version. Safe to run from several processes at once: on
 * PostgreSQL Kysely takes a row lock; on SQLite, where Kysely's lock only guards one connection,
 * the whole run holds the database's write lock (`BEGIN IMMEDIATE`; SQLite's DDL is transactional),
 * so a second process waits and then finds nothing left to do.
 *
 * @returns the names of the migrations applied now (empty when already current).
 */
export async function migrateToLatest(store: RollcallDatabase): Promise<string[]> {
  if (store.dialect !== "sqlite") return applied(await migratorFor(store, store.db).migrateToLatest(), store);
  return store.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = applied(await migratorFor(store, connection).migrateToLatest(), store);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

function migratorFor(store: RollcallDatabase, db: Kysely<any>): Migrator {
  const provided: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(migrations)) {
    provided[name] = {
      up: (db) => migration.up(db, store.dialect),
      ...(migration.down ? { down: (db) => migration.down!(db, store.dialect) } : {}),
    };
  }
  return new Migrator({ db, provider: { getMigrations: async () => provided } });
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
