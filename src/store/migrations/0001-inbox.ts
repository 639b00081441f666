import type { RollcallMigration } from "./migration.js";
import { serialPrimaryKey } from "./migration.js";

export const inboxMigration: RollcallMigration = {
  async up(db, dialect) {
    const pk = serialPrimaryKey(dialect);
    await db.schema
      .createTable("inbox_events")
      .addColumn("id", pk.type, (c) => (pk.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
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
    await db.schema.createIndex("inbox_events_status_id").on("inbox_events").columns(["status", "id"]).execute();
    await db.schema.createIndex("inbox_events_instance").on("inbox_events").columns(["instance_uuid", "id"]).execute();
  },
  async down(db) {
    await db.schema.dropTable("inbox_events").execute();
  },
};
