import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.js";
import type { NewInboxEvent } from "./new-inbox-event.js";

/** A row written by {@link upsertInboxEvents}: its id, and its delivery count after the write. */
export interface UpsertedInboxRow {
  id: number;
  dedupe_key: string;
  deliveries: number;
}

// 11 values per row: well below SQLite's 32766 and PostgreSQL's 65535 bind parameters.
const rowsPerStatement = 500;

/**
 * Inserts events, or for a dedupe key already stored adds `deliveries` to that row's count. Call it
 * inside a transaction. Keys must be distinct within `events` (PostgreSQL refuses to touch one row
 * twice in a statement); `deliveries` says how many deliveries each one stands for.
 * The same statement serves SQLite and PostgreSQL (`ON CONFLICT … DO UPDATE … RETURNING`).
 *
 * @example
 * await db.transaction().execute((trx) => upsertInboxEvents(trx, [{ event, deliveries: 1 }]));
 */
export async function upsertInboxEvents(
  db: Kysely<Database> | Transaction<Database>,
  events: ReadonlyArray<{ event: NewInboxEvent; deliveries: number }>,
): Promise<UpsertedInboxRow[]> {
  const rows: UpsertedInboxRow[] = [];
  for (let start = 0; start < events.length; start += rowsPerStatement) {
    const chunk = events.slice(start, start + rowsPerStatement);
    const written = await db
      .insertInto("inbox_events")
      .values(
        chunk.map(({ event, deliveries }) => ({
          dedupe_key: event.dedupeKey,
          event: event.event,
          account_id: event.accountId,
          instance_uuid: event.instanceUuid,
          body: event.body,
          headers: JSON.stringify(event.headers),
          received_at: event.receivedAt,
          event_ts: event.eventTs,
          deliveries,
          error: null,
          processed_at: null,
        })),
      )
      .onConflict((conflict) =>
        conflict.column("dedupe_key").doUpdateSet((eb) => ({
          deliveries: eb("inbox_events.deliveries", "+", eb.ref("excluded.deliveries")),
        })),
      )
      .returning(["id", "dedupe_key", "deliveries"])
      .execute();
    rows.push(...written);
  }
  return rows;
}

/**
 * Events still waiting for the pipeline (`status = 'pending'`), for the inbox-depth metric.
 *
 * @example
 * await countPendingInboxEvents(store.db) // 0
 */
export async function countPendingInboxEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("inbox_events")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * A dedupe key the database can hold: PostgreSQL text cannot contain NUL, so such a key (only a
 * forged or broken body has one) is replaced by its hash, which stays equal across redeliveries.
 *
 * @example
 * storableDedupeKey("meeting.ended|a|u==||t") // unchanged
 */
export function storableDedupeKey(key: string): string {
  return key.includes("\u0000") ? `sha256:${createHash("sha256").update(key).digest("hex")}` : key;
}
