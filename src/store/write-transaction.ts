import { sql, type Kysely } from "kysely";
import type { RollcallDatabase } from "./database.js";
import type { Database } from "./schema.js";

/**
 * Runs `fn` in a transaction that may write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
 * write lock up front: a deferred transaction that reads first and writes later fails outright
 * (`SQLITE_BUSY`, no waiting) when another process (a CLI next to the server) wrote in between.
 * On PostgreSQL it is an ordinary transaction; row and advisory locks do the rest.
 */
export async function withWriteTransaction<T>(store: RollcallDatabase, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (store.dialect === "postgres") return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let result: T;
    try {
      result = await fn(connection);
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}
