import { sql } from "kysely";
import type { RollcallMigration } from "./migration.js";

/**
 * The stored form of time while someone is still in the meeting: `attended_ms` counts the closed
 * part only, and `open_since` says where the open interval began, so a row no longer changes with
 * every event of the instance while its participant merely stays (a reader adds the open time up
 * to when it reads: the instance's `span_to`). `share_of_instance` goes: it changed with every
 * event too, and readers compute it from the time and the span. Instances with rows of people
 * still present are marked for re-resolution, so the pipeline rewrites them in the new form.
 */
export const openTimeMigration: RollcallMigration = {
  async up(db) {
    await db.schema.alterTable("attendance").addColumn("open_since", "bigint").execute();
    await db.schema.alterTable("participant_sessions").addColumn("open_since", "bigint").execute();
    await db.schema.alterTable("attendance").dropColumn("share_of_instance").execute();
    await db
      .updateTable("instances")
      .set({ needs_resolve: sql`needs_resolve + 1` })
      .where(({ exists, selectFrom }) =>
        exists(selectFrom("attendance as a").select("a.user_id").whereRef("a.account_id", "=", "instances.account_id").whereRef("a.instance_uuid", "=", "instances.instance_uuid").where("a.present", "=", 1)),
      )
      .execute();
  },
  async down(db) {
    await db.schema.alterTable("attendance").addColumn("share_of_instance", "double precision", (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable("participant_sessions").dropColumn("open_since").execute();
    await db.schema.alterTable("attendance").dropColumn("open_since").execute();
  },
};
