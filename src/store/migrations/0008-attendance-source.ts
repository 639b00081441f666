import { sql } from "kysely";
import { DEFAULT_PRECEDENCE } from "../../core/index.js";
import type { RollcallMigration } from "./migration.js";

/**
 * `attendance.source` (`manual` | `webhook` | `report`): where the evidence that resolved a user came
 * from, kept apart from `resolved_by`, which from now on is always an identity method. Rows written
 * before stored `report` in `resolved_by` when only report rows resolved the user: they get
 * `source = 'report'` and the strongest method of the user's sessions (default precedence), and
 * their instances are marked for re-resolution so the pipeline rewrites them with the configured one.
 */
export const attendanceSourceMigration: RollcallMigration = {
  async up(db) {
    await db.schema.alterTable("attendance").addColumn("source", "text", (c) => c.notNull().defaultTo("webhook")).execute();
    await db.updateTable("attendance").set({ source: "manual" }).where("resolved_by", "=", "manual").execute();
    await db.updateTable("attendance").set({ source: "report" }).where("resolved_by", "=", "report").execute();
    const stale = await db.selectFrom("attendance").select(["account_id", "instance_uuid", "user_id"]).where("resolved_by", "=", "report").execute();
    const marked = new Set<string>();
    for (const row of stale) {
      const methods = await db
        .selectFrom("session_resolutions")
        .select("method")
        .distinct()
        .where("account_id", "=", row.account_id)
        .where("instance_uuid", "=", row.instance_uuid)
        .where("user_id", "=", row.user_id)
        .execute();
      const ranked = methods.map((m) => DEFAULT_PRECEDENCE.indexOf(m.method)).filter((rank) => rank >= 0);
      // No session left to tell (should not happen): the weakest method, until the pipeline rewrites the row.
      const method = ranked.length > 0 ? DEFAULT_PRECEDENCE[Math.min(...ranked)]! : DEFAULT_PRECEDENCE[DEFAULT_PRECEDENCE.length - 1]!;
      await db
        .updateTable("attendance")
        .set({ resolved_by: method })
        .where("account_id", "=", row.account_id)
        .where("instance_uuid", "=", row.instance_uuid)
        .where("user_id", "=", row.user_id)
        .execute();
      const key = `${row.account_id}\u0000${row.instance_uuid}`;
      if (marked.has(key)) continue;
      marked.add(key);
      await db
        .updateTable("instances")
        .set({ needs_resolve: sql`needs_resolve + 1` })
        .where("account_id", "=", row.account_id)
        .where("instance_uuid", "=", row.instance_uuid)
        .execute();
    }
  },
  async down(db) {
    // The old contract: `report` in resolved_by when only report rows resolved the user.
    await db.updateTable("attendance").set({ resolved_by: "report" }).where("source", "=", "report").execute();
    await db.schema.alterTable("attendance").dropColumn("source").execute();
  },
};
