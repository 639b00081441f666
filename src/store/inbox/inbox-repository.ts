import { createHash } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { sql, type Kysely, type Transaction } from "kysely";
import type { RollcallDatabase } from "../database.js";
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

/** Stores one group commit's events in a transaction of its own; see {@link upsertInboxEvents}. */
export type InboxBatchWriter = (events: ReadonlyArray<{ event: NewInboxEvent; deliveries: number }>) => Promise<UpsertedInboxRow[]>;

/** The SQLite upsert of one inbox row, with `RETURNING id, deliveries` (a prepared statement's text). */
export const sqliteInboxUpsert = `insert into inbox_events
  (dedupe_key, event, account_id, instance_uuid, body, headers, received_at, event_ts, deliveries)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (dedupe_key) do update set deliveries = inbox_events.deliveries + excluded.deliveries
  returning id, deliveries`;

/**
 * The group commit's write: one transaction per call, {@link upsertInboxEvents}'s semantics. On
 * SQLite it runs one prepared statement per row inside a better-sqlite3 transaction (no query
 * building or SQL parsing per batch: the commit blocks the event loop, so every microsecond there
 * counts), holding Kysely's connection so it never lands inside someone else's transaction. On
 * PostgreSQL it is the Kysely statement in a Kysely transaction.
 */
export function inboxBatchWriter(store: RollcallDatabase): InboxBatchWriter {
  const sqlite = store.sqlite;
  if (store.dialect !== "sqlite" || !sqlite) {
    return (events) => store.db.transaction().execute((trx) => upsertInboxEvents(trx, events));
  }
  let insert: Statement<unknown[], { id: number; deliveries: number }> | undefined;
  // BEGIN IMMEDIATE: take the write lock first, like the pipeline's write transactions.
  const run = sqlite.transaction((events: ReadonlyArray<{ event: NewInboxEvent; deliveries: number }>): UpsertedInboxRow[] => {
    // Prepared on first use: the table exists only once migrations have run.
    insert ??= sqlite.prepare<unknown[], { id: number; deliveries: number }>(sqliteInboxUpsert);
    const rows: UpsertedInboxRow[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const { event, deliveries } = events[i]!;
      const row = insert.get(
        event.dedupeKey,
        event.event,
        event.accountId,
        event.instanceUuid,
        event.body,
        JSON.stringify(event.headers),
        event.receivedAt,
        event.eventTs,
        deliveries,
      )!;
      rows[i] = { id: row.id, dedupe_key: event.dedupeKey, deliveries: row.deliveries };
    }
    return rows;
  }).immediate;
  return (events) => store.db.connection().execute(async () => run(events));
}

/** Commits a transaction that writes without changing data, on the inbox's own path; see {@link inboxCommitProbe}. */
export type InboxCommitProbe = () => Promise<void>;

/**
 * A real commit that changes no data, to learn whether the inbox can commit right now (`/readyz`
 * after a failed commit): on SQLite `BEGIN IMMEDIATE` (the write lock), `PRAGMA user_version` set
 * to its own value (a page written to the WAL, so a full disk fails it) and `COMMIT`; on
 * PostgreSQL `select txid_current()`, which assigns a transaction id and writes its commit record.
 * The probe throws while the database cannot commit.
 */
export function inboxCommitProbe(store: RollcallDatabase): InboxCommitProbe {
  const sqlite = store.sqlite;
  if (store.dialect !== "sqlite" || !sqlite) return async () => void (await sql`select txid_current()`.execute(store.db));
  const run = sqlite.transaction(() => sqlite.pragma(`user_version = ${Number(sqlite.pragma("user_version", { simple: true }))}`)).immediate;
  return () => store.db.connection().execute(async () => void run());
}

/**
 * Events still waiting for the pipeline (`status = 'pending'`), for the inbox-depth metric.
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
 */
export function storableDedupeKey(key: string): string {
  return key.includes("\u0000") ? `sha256:${createHash("sha256").update(key).digest("hex")}` : key;
}
