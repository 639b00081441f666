import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Runs several reads against one snapshot of the database, so what they return belongs together:
 * a worker committing between two of them cannot leave half of its change in the answer (e.g.
 * a session no longer unresolved, but its user's attendance not there yet). On PostgreSQL that takes
 * `REPEATABLE READ` (under the default `READ COMMITTED` every statement sees the latest commits);
 * a SQLite transaction reads one snapshot anyway (the isolation level is ignored there). Inside a
 * transaction already, `fn` simply runs in it.
 */
export async function withReadSnapshot<T>(db: Kysely<Database>, fn: (snapshot: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute(fn);
}
