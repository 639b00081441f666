import { serialPrimaryKey, type RollcallMigration } from "./migration.js";

/** Zoom's WebSocket door: each subscription's coverage, its gaps and the frames it could not read (see `tables/websocket.ts`). */
export const websocketMigration: RollcallMigration = {
  async up(db, dialect) {
    const serial = serialPrimaryKey(dialect);
    await db.schema
      .createTable("websocket_subscriptions")
      .addColumn("subscription_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("covered_until", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("websocket_gaps")
      .addColumn("id", serial.type, (c) => (serial.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("reason", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("websocket_parked_frames")
      .addColumn("id", serial.type, (c) => (serial.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("frame", "text")
      .execute();
    // Which gaps an instance's time span overlaps: by account, then time.
    await db.schema.createIndex("websocket_gaps_account").on("websocket_gaps").columns(["account_id", "started_at"]).execute();
  },
  async down(db) {
    await db.schema.dropTable("websocket_parked_frames").execute();
    await db.schema.dropTable("websocket_gaps").execute();
    await db.schema.dropTable("websocket_subscriptions").execute();
  },
};
