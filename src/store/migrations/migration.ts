import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * A schema change written once for both databases; `dialect` is there for the few spots where
 * SQLite and PostgreSQL differ (auto-increment keys, for one).
 */
export interface RollcallMigration {
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
  down?(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

/** An auto-incrementing 64-bit primary key column in either database. */
export function serialPrimaryKey(dialect: DialectName): { type: "integer" | "bigserial"; sqliteAutoIncrement: boolean } {
  return dialect === "sqlite" ? { type: "integer", sqliteAutoIncrement: true } : { type: "bigserial", sqliteAutoIncrement: false };
}
