import { createHash } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { sql, type Kysely, type Transaction } from "kysely";
import type { RollcallDatabase } from "../database.js";
import type { Database } from "../schema.js";
import { keyHash } from "./key-hash.js";
import type { InboxWrite, InboxWritten, NewInboxEvent } from "./new-inbox-event.js";

/** A row stored by {@link insertInboxEvents}. */
export interface InsertedInboxRow {
  id: number;
  dedupe_key: string;
  deliveries: number;
}

// 11 values per row: well below SQLite's 32766 and PostgreSQL's 65535 bind parameters.
const rowsPerStatement = 500;

/**
 * Lands events in the inbox as new rows, each counting `deliveries` deliveries. A key already stored
 * gets a second row: the pipeline merges it into the first when it claims it (see `inbox_keys`).
 * Keys must be distinct within `events`. Call it inside a transaction; either database.
 */
export async function insertInboxEvents(
  db: Kysely<Database> | Transaction<Database>,
  events: ReadonlyArray<{ event: NewInboxEvent; deliveries: number }>,
): Promise<InsertedInboxRow[]> {
  const rows: InsertedInboxRow[] = [];
  for (let start = 0; start < events.length; start += rowsPerStatement) {
    const chunk = events.slice(start, start + rowsPerStatement);
    const written = await db
      .insertInto("inbox_events")
      .values(chunk.map(({ event, deliveries }) => ({ ...rowValues(event), deliveries })))
      .returning(["id", "dedupe_key", "deliveries"])
      .execute();
    rows.push(...written);
  }
  return rows;
}

/**
 * A group commit's writes in either database (the Kysely path; SQLite normally takes the
 * prepared-statement one, {@link inboxBatchWriter}): a write with `knownId` adds its deliveries to
 * that row when the row still holds the event, every other one lands as a new row. Results are in
 * the order of `writes`. Keys must be distinct within `writes`.
 */
export async function writeInboxEvents(db: Kysely<Database> | Transaction<Database>, writes: readonly InboxWrite[]): Promise<InboxWritten[]> {
  const out: InboxWritten[] = new Array(writes.length);
  const fresh: number[] = [];
  for (let i = 0; i < writes.length; i++) {
    const { event, deliveries, knownId } = writes[i]!;
    // Redeliveries are rare: statements of their own are fine.
    const id = knownId === undefined ? undefined : await addDeliveries(db, knownId, event.dedupeKey, deliveries);
    if (id !== undefined) out[i] = { id, counted: true };
    else fresh.push(i);
  }
  const inserted = await insertInboxEvents(db, fresh.map((i) => writes[i]!));
  const idOf = new Map(inserted.map((row) => [row.dedupe_key, Number(row.id)]));
  for (const i of fresh) out[i] = { id: idOf.get(writes[i]!.event.dedupeKey)!, counted: false };
  return out;
}

/**
 * Counts `deliveries` more on the row that holds the event: `knownId` if it still does, else the row
 * `inbox_keys` names (the pipeline merged `knownId` into it meanwhile). Undefined when neither does.
 */
async function addDeliveries(db: Kysely<Database> | Transaction<Database>, knownId: number, dedupeKey: string, deliveries: number): Promise<number | undefined> {
  const add = (id: number | ReturnType<typeof ownerOf>) =>
    db
      .updateTable("inbox_events")
      .set((eb) => ({ deliveries: eb("deliveries", "+", deliveries) }))
      .where("id", "=", id)
      .where("dedupe_key", "=", dedupeKey)
      .returning("id")
      .executeTakeFirst();
  const row = (await add(knownId)) ?? (await add(ownerOf(db, dedupeKey)));
  return row === undefined ? undefined : Number(row.id);
}

function ownerOf(db: Kysely<Database> | Transaction<Database>, dedupeKey: string) {
  return db.selectFrom("inbox_keys").select("inbox_id").where("key_hash", "=", keyHash(dedupeKey));
}

function rowValues(event: NewInboxEvent) {
  return {
    dedupe_key: event.dedupeKey,
    event: event.event,
    account_id: event.accountId,
    instance_uuid: event.instanceUuid,
    body: event.body,
    headers: JSON.stringify(event.headers),
    received_at: event.receivedAt,
    event_ts: event.eventTs,
    error: null,
    processed_at: null,
  };
}

/**
 * Lands the events whose keys the instance has no row for yet (reconciliation's report rows: a
 * second reconciliation of an instance finds its rows there). Returns how many were new.
 */
export async function insertNewInboxEvents(db: Kysely<Database> | Transaction<Database>, instanceUuid: string, events: readonly NewInboxEvent[]): Promise<number> {
  // By the instance index: `dedupe_key` has none (see migration 0015).
  const stored = await db.selectFrom("inbox_events").select("dedupe_key").where("instance_uuid", "=", instanceUuid).execute();
  const known = new Set(stored.map((row) => row.dedupe_key));
  const fresh = events.filter((event) => !known.has(event.dedupeKey));
  await insertInboxEvents(db, fresh.map((event) => ({ event, deliveries: 1 })));
  return fresh.length;
}

/** Stores one group commit's writes in a transaction of its own; see {@link writeInboxEvents}. */
export type InboxBatchWriter = (writes: readonly InboxWrite[]) => Promise<InboxWritten[]>;

/** SQLite: one inbox row (the prepared statement's text; `run().lastInsertRowid` is its id). */
export const sqliteInboxInsert = `insert into inbox_events
  (dedupe_key, event, account_id, instance_uuid, body, headers, received_at, event_ts, deliveries)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** SQLite: more deliveries of the event a known row holds (`run().changes` is 0 when it no longer does). */
export const sqliteInboxAddDeliveries = "update inbox_events set deliveries = deliveries + ? where id = ? and dedupe_key = ?";

/** SQLite: more deliveries on the row `inbox_keys` names for the key (parameters: deliveries, `keyHash(key)`, key), returning its id. */
export const sqliteInboxAddToOwner =
  "update inbox_events set deliveries = deliveries + ? where id = (select inbox_id from inbox_keys where key_hash = ?) and dedupe_key = ? returning id";

/**
 * The group commit's write: one transaction per call, {@link writeInboxEvents}'s semantics. On
 * SQLite it runs prepared statements inside a better-sqlite3 transaction (no query building or SQL
 * parsing per batch: the commit blocks the event loop, so every microsecond there counts), holding
 * Kysely's connection so it never lands inside someone else's transaction; the commit thread
 * (`sqlite-commit-thread.ts`) runs the same two statements. On PostgreSQL it is the Kysely
 * statements in a Kysely transaction.
 */
export function inboxBatchWriter(store: RollcallDatabase): InboxBatchWriter {
  const sqlite = store.sqlite;
  if (store.dialect !== "sqlite" || !sqlite) {
    return (writes) => store.db.transaction().execute((trx) => writeInboxEvents(trx, writes));
  }
  let insert: Statement<unknown[]> | undefined;
  let add: Statement<unknown[]> | undefined;
  let addToOwner: Statement<unknown[], { id: number }> | undefined;
  // BEGIN IMMEDIATE: take the write lock first, like the pipeline's write transactions.
  const run = sqlite.transaction((writes: readonly InboxWrite[]): InboxWritten[] => {
    // Prepared on first use: the tables exist only once migrations have run.
    insert ??= sqlite.prepare<unknown[]>(sqliteInboxInsert);
    add ??= sqlite.prepare<unknown[]>(sqliteInboxAddDeliveries);
    addToOwner ??= sqlite.prepare<unknown[], { id: number }>(sqliteInboxAddToOwner);
    const out: InboxWritten[] = new Array(writes.length);
    for (let i = 0; i < writes.length; i++) {
      const { event, deliveries, knownId } = writes[i]!;
      if (knownId !== undefined) {
        const id = add.run(deliveries, knownId, event.dedupeKey).changes === 1 ? knownId : addToOwner.get(deliveries, keyHash(event.dedupeKey), event.dedupeKey)?.id;
        if (id !== undefined) {
          out[i] = { id, counted: true };
          continue;
        }
      }
      const row = insert.run(...sqliteInboxRow(event, deliveries));
      out[i] = { id: Number(row.lastInsertRowid), counted: false };
    }
    return out;
  }).immediate;
  return (writes) => store.db.connection().execute(async () => run(writes));
}

/** The values of {@link sqliteInboxInsert} for one event. */
export function sqliteInboxRow(event: NewInboxEvent, deliveries: number): unknown[] {
  return [event.dedupeKey, event.event, event.accountId, event.instanceUuid, event.body, JSON.stringify(event.headers), event.receivedAt, event.eventTs, deliveries];
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
