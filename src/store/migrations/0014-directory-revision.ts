import { sql } from "kysely";
import type { RollcallMigration } from "./migration.js";

/**
 * A revision of the whole directory's links, bumped by the database itself on every insert, update
 * or delete of `directory_links` (whoever writes: the API, an import, a CLI, a learned
 * registration), so a pipeline may keep the links it indexed between batches and know when they
 * are stale. One row: the pipeline reads it once per batch. Plus an index for looking links up by
 * value: re-resolving one instance reads the links its sessions' identifiers can match, not the
 * whole directory.
 */
export const directoryRevisionMigration: RollcallMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable("directory_revision")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("revision", "bigint", (c) => c.notNull())
      .execute();
    await db.insertInto("directory_revision").values({ id: 1, revision: 1 }).execute();
    await db.schema.createIndex("directory_links_value").on("directory_links").columns(["method", "value"]).execute();
    if (dialect === "sqlite") {
      for (const operation of ["insert", "update", "delete"]) {
        await sql
          .raw(`create trigger directory_links_${operation}_revision after ${operation} on directory_links begin update directory_revision set revision = revision + 1 where id = 1; end`)
          .execute(db);
      }
    } else {
      await sql`create function rollcall_bump_directory_revision() returns trigger language plpgsql as $$ begin update directory_revision set revision = revision + 1 where id = 1; return null; end $$`.execute(db);
      // Per statement: an import chunk bumps it once, not once per link.
      await sql`create trigger directory_links_revision after insert or update or delete on directory_links for each statement execute function rollcall_bump_directory_revision()`.execute(db);
    }
  },
  async down(db, dialect) {
    if (dialect === "sqlite") {
      for (const operation of ["insert", "update", "delete"]) await sql.raw(`drop trigger if exists directory_links_${operation}_revision`).execute(db);
    } else {
      await sql`drop trigger if exists directory_links_revision on directory_links`.execute(db);
      await sql`drop function if exists rollcall_bump_directory_revision()`.execute(db);
    }
    await db.schema.dropIndex("directory_links_value").execute();
    await db.schema.dropTable("directory_revision").execute();
  },
};
