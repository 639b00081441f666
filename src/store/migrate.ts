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
  if (await upToDate(store)) return [];
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

/**
 * Whether the database records exactly the migrations this code has: then there is nothing to
 * lock or apply, and Kysely's migrator, which reads the whole schema to find its own tables, is
 * skipped (most of a restart's migration step, and of every CLI command's). Anything else (no
 * migration table yet, one missing, one unknown to this code) is for the migrator to handle.
 */
async function upToDate(store: RollcallDatabase): Promise<boolean> {
  let rows: Array<{ name: string }>;
  try {
    rows = (await sql<{ name: string }>`select name from kysely_migration`.execute(store.db)).rows;
  } catch (error) {
    if (isMissingTable(error)) return false;
    throw unreachable(error, store);
  }
  const known = Object.keys(migrations);
  const recorded = new Set(rows.map((row) => row.name));
  return recorded.size === known.length && known.every((name) => recorded.has(name));
}

/** "No such table": SQLite says so in its message, PostgreSQL with SQLSTATE 42P01. */
function isMissingTable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === "42P01" || (typeof message === "string" && message.startsWith("no such table"));
}

/** The database could not be reached or locked (refused, wrong name, timeout): name it, not a migration. */
function unreachable(error: unknown, store: RollcallDatabase): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return new Error(`database ${store.url}: could not be reached to migrate (${typeof code === "string" ? `${code}: ` : ""}${message})`, { cause: error });
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
    // No migration ran: the database could not be reached or locked.
    throw unreachable(error, store);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
