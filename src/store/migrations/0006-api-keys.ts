import type { RollcallMigration } from "./migration.js";
import { serialPrimaryKey } from "./migration.js";

/** API keys for `/api/v1` (see `tables/api-keys.ts`). */
export const apiKeysMigration: RollcallMigration = {
  async up(db, dialect) {
    const key = serialPrimaryKey(dialect);
    await db.schema
      .createTable("api_keys")
      .addColumn("id", key.type, (c) => (key.sqliteAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("revoked_at", "bigint")
      .addColumn("last_used_at", "bigint")
      .execute();
  },
  async down(db) {
    await db.schema.dropTable("api_keys").execute();
  },
};
