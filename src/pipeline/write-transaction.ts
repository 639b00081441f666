import { sql, type Kysely } from "kysely";
import type { Database, RollcallDatabase } from "../store/index.js";

// Lives in the store (the directory's import uses it too); re-exported for the pipeline's callers.
export { withWriteTransaction } from "../store/write-transaction.js";

/**
 * Serialises work on the given instances across processes for the rest of the transaction
 * (PostgreSQL advisory transaction locks, taken in sorted order so two processes cannot deadlock).
 * SQLite needs nothing: its write transaction already excludes every other writer.
 * Keys are `instanceKey(accountId, instanceUuid)`.
 */
export async function lockInstances(trx: Kysely<Database>, dialect: RollcallDatabase["dialect"], keys: readonly string[]): Promise<void> {
  if (dialect !== "postgres" || keys.length === 0) return;
  // One round trip for the whole batch: unnest yields the array in order, so the locks are taken
  // in the sorted order every process uses.
  const sorted = [...keys].sort();
  await sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(cast(${sorted} as text[])) as k`.execute(trx);
}

/**
 * Like {@link lockInstances} for one instance, without waiting: false when another process holds it.
 */
export async function tryLockInstance(trx: Kysely<Database>, dialect: RollcallDatabase["dialect"], key: string): Promise<boolean> {
  if (dialect !== "postgres") return true;
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked`.execute(trx);
  return rows[0]?.locked === true;
}
