import { sql, type Kysely } from "kysely";
import type { RollcallDatabase } from "./database.js";
import type { Database } from "./schema.js";

export interface WriteTransactionOptions {
  /**
   * What the transaction writes can be rebuilt from the inbox (the pipeline's batches). On SQLite
   * its commit then does not wait for the disk (`synchronous = NORMAL` for this commit only): the
   * WAL is written in order, so the next durable commit (an inbox commit, `FULL`) makes it durable
   * too, and a power cut can only lose a suffix of such commits: their inbox rows are still
   * `pending` afterwards and are processed again. Saves the event loop one fsync per batch.
   */
  rebuildable?: boolean;
}

/**
 * Runs `fn` in a transaction that may write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
 * write lock up front: a deferred transaction that reads first and writes later fails outright
 * (`SQLITE_BUSY`, no waiting) when another process (a CLI next to the server) wrote in between.
 * On PostgreSQL it is an ordinary transaction; row and advisory locks do the rest.
 */
export async function withWriteTransaction<T>(store: RollcallDatabase, fn: (trx: Kysely<Database>) => Promise<T>, options: WriteTransactionOptions = {}): Promise<T> {
  if (store.dialect === "postgres") return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (connection) => {
    // The connection is held (Kysely's SQLite driver has one, behind a mutex): nothing else commits
    // on it between these pragmas.
    const restore = options.rebuildable ? relaxedSync(store) : undefined;
    try {
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
    } finally {
      restore?.();
    }
  });
}

/** Sets `synchronous = NORMAL` if it was stricter; returns how to put it back. */
function relaxedSync(store: RollcallDatabase): (() => void) | undefined {
  const sqlite = store.sqlite;
  if (!sqlite || sqlite.memory) return undefined;
  const level = Number(sqlite.pragma("synchronous", { simple: true }));
  if (level <= 1) return undefined; // OFF or NORMAL already
  sqlite.pragma("synchronous = NORMAL");
  return () => void sqlite.pragma(`synchronous = ${level}`);
}
