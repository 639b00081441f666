import { serialPrimaryKey, type RollcallMigration } from "./migration.js";

/** Outbound webhooks: announced events, endpoints, the outbox and its attempts (see `tables/notify.ts`). */
export const notifyMigration: RollcallMigration = {
  async up(db, dialect) {
    const serial = serialPrimaryKey(dialect);
    await db.schema
      .createTable("notify_events")
      .addColumn("id", serial.type, (c) => (serial.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("once_key", "text", (c) => c.unique())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    // The live stream: an instance's events after the last one a client saw.
    await db.schema.createIndex("notify_events_instance").on("notify_events").columns(["instance_uuid", "id"]).execute();

    await db.schema
      .createTable("webhook_endpoints")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("event_types_json", "text")
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("previous_secret", "text")
      .addColumn("previous_secret_expires_at", "bigint")
      .addColumn("description", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("webhook_messages")
      .addColumn("id", serial.type, (c) => (serial.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("coalesce_key", "text")
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("delivered_at", "bigint")
      .execute();
    // The sender's claim: due pending messages, and the head of each (endpoint, instance) queue.
    await db.schema.createIndex("webhook_messages_due").on("webhook_messages").columns(["state", "next_attempt_at"]).execute();
    await db.schema.createIndex("webhook_messages_queue").on("webhook_messages").columns(["endpoint_id", "instance_uuid", "state", "id"]).execute();
    await db.schema.createIndex("webhook_messages_message_id").on("webhook_messages").columns(["message_id"]).execute();

    await db.schema
      .createTable("webhook_attempts")
      .addColumn("id", serial.type, (c) => (serial.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("message_row_id", "bigint", (c) => c.notNull())
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("status", "integer")
      .addColumn("error", "text")
      .addColumn("duration_ms", "bigint", (c) => c.notNull())
      .addColumn("attempted_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("webhook_attempts_message").on("webhook_attempts").columns(["message_row_id", "id"]).execute();
  },
  async down(db) {
    await db.schema.dropTable("webhook_attempts").execute();
    await db.schema.dropTable("webhook_messages").execute();
    await db.schema.dropTable("webhook_endpoints").execute();
    await db.schema.dropTable("notify_events").execute();
  },
};
