import type { RollcallMigration } from "./migration.js";
import { serialPrimaryKey } from "./migration.js";

/** Users and their links (see `tables/directory.ts`). */
export const directoryMigration: RollcallMigration = {
  async up(db, dialect) {
    const pk = serialPrimaryKey(dialect);
    const primary = (name: string) =>
      db.schema.createTable(name).addColumn("id", pk.type, (c) => (pk.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()));
    await primary("directory_users")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("external_id", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("name", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("directory_users_account_external", ["account_id", "external_id"])
      .execute();
    await primary("directory_links")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("user_id", "bigint", (c) => c.notNull().references("directory_users.id").onDelete("cascade"))
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("scope", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      // Two users may claim one identifier (the engine records the conflict); one user claims it once.
      .addUniqueConstraint("directory_links_identity", ["account_id", "method", "scope", "value", "user_id"])
      .execute();
    await db.schema.createIndex("directory_links_user").on("directory_links").column("user_id").execute();
  },
  async down(db) {
    await db.schema.dropTable("directory_links").execute();
    await db.schema.dropTable("directory_users").execute();
  },
};
