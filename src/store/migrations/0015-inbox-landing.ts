import { sql, type Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { keyHash } from "../inbox/key-hash.js";
import type { RollcallMigration } from "./migration.js";
import { serialPrimaryKey } from "./migration.js";

/**
 * Deliveries land in `inbox_events` without a unique index on `dedupe_key`: that index, on a random
 * key, was half the cost of every group commit (each new row dirtied a leaf page of its own). The
 * pipeline de-duplicates when it claims rows instead, after the answer to Zoom: `inbox_keys` maps each
 * content key (by its `keyHash`) to the inbox row that holds the event, and a later row with the same key is merged into
 * that one (its deliveries counted there) and deleted before it reaches the engine. Every row stored
 * so far is such an owner (the unique index made each key's row the only one).
 */
export const inboxLandingMigration: RollcallMigration = {
  async up(db, dialect) {
    if (dialect === "postgres") await sql`alter table inbox_events drop constraint if exists inbox_events_dedupe_key_key`.execute(db);
    else await rebuildSqliteInbox(db, dialect, false);
    // SQLite: an `integer primary key` is the rowid itself, so the table is one small b-tree.
    await db.schema
      .createTable("inbox_keys")
      .addColumn("key_hash", dialect === "sqlite" ? "integer" : "bigint", (c) => c.primaryKey())
      .addColumn("inbox_id", "bigint", (c) => c.notNull())
      .execute();
    await registerStoredKeys(db);
  },
  async down(db, dialect) {
    // Rows not yet de-duplicated: each key's later rows are counted on its first, then deleted.
    await sql`update inbox_events set deliveries = (select sum(d.deliveries) from inbox_events d where d.dedupe_key = inbox_events.dedupe_key)
      where id in (select min(id) from inbox_events group by dedupe_key having count(*) > 1)`.execute(db);
    await sql`delete from inbox_events where id not in (select min(id) from inbox_events group by dedupe_key)`.execute(db);
    await db.schema.dropTable("inbox_keys").execute();
    if (dialect === "postgres") await sql`alter table inbox_events add constraint inbox_events_dedupe_key_key unique (dedupe_key)`.execute(db);
    else await rebuildSqliteInbox(db, dialect, true);
  },
};

/** Every stored row holds its key (the unique index made it the only one); a rare hash shared by two keys stays the first's. */
async function registerStoredKeys(db: Kysely<any>): Promise<void> {
  for (let after = 0; ; ) {
    const rows: Array<{ id: number; dedupe_key: string }> = await db.selectFrom("inbox_events").select(["id", "dedupe_key"]).where("id", ">", after).orderBy("id").limit(5000).execute();
    if (rows.length === 0) return;
    await db
      .insertInto("inbox_keys")
      .values(rows.map((row) => ({ key_hash: keyHash(row.dedupe_key), inbox_id: row.id })))
      .onConflict((conflict) => conflict.column("key_hash").doNothing())
      .execute();
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** SQLite cannot drop a column's UNIQUE: the table is made again (as 0001 made it, `unique` or not) and the rows copied over. */
async function rebuildSqliteInbox(db: Kysely<any>, dialect: DialectName, unique: boolean): Promise<void> {
  const pk = serialPrimaryKey(dialect);
  await db.schema
    .createTable("inbox_events_rebuilt")
    .addColumn("id", pk.type, (c) => c.primaryKey().autoIncrement())
    .addColumn("dedupe_key", "text", (c) => (unique ? c.notNull().unique() : c.notNull()))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("instance_uuid", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("event_ts", "bigint")
    .addColumn("deliveries", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("error", "text")
    .addColumn("processed_at", "bigint")
    .execute();
  const columns = sql.raw("id, dedupe_key, event, account_id, instance_uuid, body, headers, received_at, event_ts, deliveries, status, error, processed_at");
  await sql`insert into inbox_events_rebuilt (${columns}) select ${columns} from inbox_events`.execute(db);
  // Ids are never reused: the new table continues the old one's sequence, not its largest id.
  await sql`delete from sqlite_sequence where name = 'inbox_events_rebuilt'`.execute(db);
  await sql`insert into sqlite_sequence (name, seq) select 'inbox_events_rebuilt', seq from sqlite_sequence where name = 'inbox_events'`.execute(db);
  await db.schema.dropTable("inbox_events").execute();
  await db.schema.alterTable("inbox_events_rebuilt").renameTo("inbox_events").execute();
  await db.schema.createIndex("inbox_events_status_id").on("inbox_events").columns(["status", "id"]).execute();
  await db.schema.createIndex("inbox_events_instance").on("inbox_events").columns(["instance_uuid", "id"]).execute();
}
