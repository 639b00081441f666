import type { Kysely } from "kysely";
import { withWriteTransaction, type Database, type RollcallDatabase } from "../store/index.js";

/**
 * Where a directory change is written: the store itself (a CLI or a server next to others: on
 * SQLite each transaction then takes the write lock up front, `BEGIN IMMEDIATE`, and waits for it,
 * instead of failing with "database is locked" when another connection commits between its first
 * read and its first write), or a Kysely handle (a transaction already open, tests).
 */
export type WriteTarget = RollcallDatabase | Kysely<Database>;

/** Runs `fn` in a transaction on `target` that may write (see {@link WriteTarget}). */
export function inWriteTransaction<T>(target: WriteTarget, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return "dialect" in target ? withWriteTransaction(target, fn) : target.transaction().execute(fn);
}

/** The handle to read with. */
export function readerOf(target: WriteTarget): Kysely<Database> {
  return "dialect" in target ? target.db : target;
}
