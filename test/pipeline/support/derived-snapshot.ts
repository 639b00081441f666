import type { Kysely } from "kysely";
import type { Database } from "../../../src/store/index.js";

/**
 * Every derived row, sorted, without the bookkeeping columns that differ between two equal
 * computations (`revision`, `needs_resolve`, `updated_at`): what "the same result" means.
 */
export async function derivedSnapshot(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables = ["meetings", "instances", "participant_sessions", "session_identifiers", "session_resolutions", "attendance"] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    out[table] = rows
      .map((r) => {
        const { revision: _r, needs_resolve: _n, updated_at: _u, ...rest } = r;
        return JSON.stringify(rest, Object.keys(rest).sort());
      })
      .sort()
      .map((s) => JSON.parse(s));
  }
  return out;
}
