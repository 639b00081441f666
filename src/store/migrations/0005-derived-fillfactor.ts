import { sql } from "kysely";
import type { RollcallMigration } from "./migration.js";

/**
 * PostgreSQL only: room in each page of the rows the pipeline rewrites most (`attendance` and
 * `participant_sessions`: the time of present users and open sessions grows with every batch of a
 * live instance), so those updates stay on their page as heap-only tuples and leave the indexes
 * alone. Affects pages written from now on. SQLite has no such setting.
 */
export const derivedFillfactorMigration: RollcallMigration = {
  async up(db, dialect) {
    if (dialect !== "postgres") return;
    await sql`alter table attendance set (fillfactor = 60)`.execute(db);
    await sql`alter table participant_sessions set (fillfactor = 60)`.execute(db);
  },
  async down(db, dialect) {
    if (dialect !== "postgres") return;
    await sql`alter table attendance reset (fillfactor)`.execute(db);
    await sql`alter table participant_sessions reset (fillfactor)`.execute(db);
  },
};
