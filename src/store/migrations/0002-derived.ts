import type { RollcallMigration } from "./migration.js";

/** The pipeline's derived tables (`tables/derived.ts`): meetings, instances, sessions, resolutions, attendance. */
export const derivedMigration: RollcallMigration = {
  async up(db) {
    await db.schema
      .createTable("meetings")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("meeting_id", "text", (c) => c.notNull())
      .addColumn("product", "text", (c) => c.notNull())
      .addColumn("topic", "text")
      .addColumn("host_id", "text")
      .addColumn("meeting_type", "integer")
      .addColumn("last_instance_uuid", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("meetings_pk", ["account_id", "meeting_id"])
      .execute();

    await db.schema
      .createTable("instances")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("meeting_id", "text", (c) => c.notNull())
      .addColumn("product", "text", (c) => c.notNull())
      .addColumn("topic", "text")
      .addColumn("host_id", "text")
      .addColumn("meeting_type", "integer")
      .addColumn("start_time", "bigint")
      .addColumn("end_time", "bigint")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("span_from", "bigint")
      .addColumn("span_to", "bigint")
      .addColumn("event_count", "integer", (c) => c.notNull())
      .addColumn("revision", "integer", (c) => c.notNull())
      .addColumn("needs_resolve", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("instances_pk", ["account_id", "instance_uuid"])
      .execute();
    await db.schema.createIndex("instances_meeting").on("instances").columns(["account_id", "meeting_id"]).execute();
    await db.schema.createIndex("instances_needs_resolve").on("instances").columns(["needs_resolve"]).execute();

    await db.schema
      .createTable("participant_sessions")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("session_key", "text", (c) => c.notNull())
      .addColumn("participant_uuid", "text")
      .addColumn("display_name", "text")
      .addColumn("zoom_connection_ids_json", "text", (c) => c.notNull())
      .addColumn("merged_keys_json", "text", (c) => c.notNull())
      .addColumn("identifiers_json", "text", (c) => c.notNull())
      .addColumn("names_json", "text", (c) => c.notNull())
      .addColumn("intervals_json", "text", (c) => c.notNull())
      .addColumn("first_join", "bigint")
      .addColumn("last_leave", "bigint")
      .addColumn("attended_ms", "bigint", (c) => c.notNull())
      .addColumn("present", "integer", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("participant_sessions_pk", ["account_id", "instance_uuid", "session_key"])
      .execute();

    await db.schema
      .createTable("session_identifiers")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("session_key", "text", (c) => c.notNull())
      .addColumn("field", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("session_identifiers_pk", ["account_id", "instance_uuid", "session_key", "field", "value"])
      .execute();
    // A new link (method + value) finds the instances whose sessions showed that identifier.
    await db.schema.createIndex("session_identifiers_lookup").on("session_identifiers").columns(["account_id", "field", "value"]).execute();

    await db.schema
      .createTable("session_resolutions")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("session_key", "text", (c) => c.notNull())
      .addColumn("user_id", "text")
      .addColumn("method", "text")
      .addColumn("confidence", "double precision", (c) => c.notNull())
      .addColumn("evidence_json", "text", (c) => c.notNull())
      .addColumn("conflicts_json", "text", (c) => c.notNull())
      .addColumn("unresolved_reason", "text")
      .addPrimaryKeyConstraint("session_resolutions_pk", ["account_id", "instance_uuid", "session_key"])
      .execute();
    await db.schema.createIndex("session_resolutions_user").on("session_resolutions").columns(["account_id", "user_id"]).execute();

    await db.schema
      .createTable("attendance")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("instance_uuid", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("attended_ms", "bigint", (c) => c.notNull())
      .addColumn("first_join", "bigint", (c) => c.notNull())
      .addColumn("last_leave", "bigint")
      .addColumn("sessions", "integer", (c) => c.notNull())
      .addColumn("share_of_instance", "double precision", (c) => c.notNull())
      .addColumn("present", "integer", (c) => c.notNull())
      .addColumn("closed_by_meeting_end", "integer", (c) => c.notNull())
      .addColumn("resolved_by", "text", (c) => c.notNull())
      .addColumn("confidence", "double precision", (c) => c.notNull())
      .addColumn("session_keys_json", "text", (c) => c.notNull())
      .addColumn("intervals_json", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("attendance_pk", ["account_id", "instance_uuid", "user_id"])
      .execute();
    // Per-user roll-ups across instances.
    await db.schema.createIndex("attendance_user").on("attendance").columns(["account_id", "user_id"]).execute();
  },
  async down(db) {
    for (const table of ["attendance", "session_resolutions", "session_identifiers", "participant_sessions", "instances", "meetings"]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
