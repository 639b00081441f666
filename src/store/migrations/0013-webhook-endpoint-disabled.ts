import type { RollcallMigration } from "./migration.js";

/**
 * An endpoint can be switched off: by the sender when the receiver answers `410 Gone` (it says it
 * will never want these again), or through the API. `disabled_at` null means enabled; the reason
 * is shown in the listing so whoever re-enables it knows why it stopped.
 */
export const webhookEndpointDisabledMigration: RollcallMigration = {
  async up(db) {
    await db.schema.alterTable("webhook_endpoints").addColumn("disabled_at", "bigint").execute();
    await db.schema.alterTable("webhook_endpoints").addColumn("disabled_reason", "text").execute();
  },
  async down(db) {
    await db.schema.alterTable("webhook_endpoints").dropColumn("disabled_reason").execute();
    await db.schema.alterTable("webhook_endpoints").dropColumn("disabled_at").execute();
  },
};
