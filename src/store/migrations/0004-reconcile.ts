import type { RollcallMigration } from "./migration.js";

/** Reconciliation state and differences (see `tables/reconcile.ts`). */
export const reconcileMigration: RollcallMigration = {
  async up(db) {
    await db.schema
      .createTable("reconciliations")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("meeting_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("deadline_at", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("endpoint", "text")
      .addColumn("report_rows", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("new_rows", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("fetched_at", "bigint")
      .addColumn("summary_json", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("reconciliations_pk", ["account_id", "instance_uuid"])
      .execute();
    // The worker's question: which scheduled reconciliations are due?
    await db.schema.createIndex("reconciliations_due").on("reconciliations").columns(["state", "due_at"]).execute();
    await db.schema
      .createTable("reconcile_differences")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("user_id", "text")
      .addColumn("webhook_ms", "bigint")
      .addColumn("report_ms", "bigint")
      .addColumn("reconciled_ms", "bigint")
      .addColumn("detail_json", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("reconcile_differences_pk", ["account_id", "instance_uuid", "kind", "subject"])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable("reconcile_differences").execute();
    await db.schema.dropTable("reconciliations").execute();
  },
};
