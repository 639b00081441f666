import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { dialectOf, type DialectName } from "./dialect.js";
import type { Database } from "./schema.js";
import { withStatementCache } from "./statement-cache.js";

/** An open database: the Kysely handle every repository uses, and which database it is. */
export interface RollcallDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The URL it was opened with, for messages (never contains a password here: see `redactUrl`). */
  url: string;
  /**
   * SQLite only: the better-sqlite3 handle behind `db`, for hot paths that need a prepared
   * statement (the inbox's group commit). Use it inside `db.connection().execute(…)` only, so it
   * never runs in the middle of a Kysely transaction on the same connection.
   */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * SQLite `synchronous` pragma. `FULL` (default) makes every commit survive power loss; `NORMAL`
   * in WAL mode survives a process crash but may lose the last commits on power loss.
   */
  sqliteSynchronous?: "FULL" | "NORMAL";
  /**
   * SQLite: how long a statement waits for another connection's write lock before failing with
   * SQLITE_BUSY (default 30 000 ms: a CLI command next to a running server waits its turn). The
   * wait blocks the event loop (better-sqlite3 is synchronous), so a server lowers it once migrated.
   */
  sqliteBusyTimeoutMs?: number;
}

/**
 * Opens `sqlite:<path>` (creating the folder; WAL journal) or `postgres://…` (a pool).
 * Does not migrate: call `migrateToLatest` for that.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<RollcallDatabase> {
  const dialect = dialectOf(url);
  return dialect === "sqlite" ? openSqlite(url, options) : await openPostgres(url, options);
}

function openSqlite(url: string, options: OpenDatabaseOptions): RollcallDatabase {
  const location = url.slice("sqlite:".length);
  const path = location === ":memory:" ? location : resolve(location);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? "FULL"}`);
  sqlite.pragma("foreign_keys = ON");
  // Another process (the server, or a CLI command next to it) may hold the write lock for a moment.
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.sqliteBusyTimeoutMs ?? 30_000))}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", url: `sqlite:${path}`, sqlite, close: () => db.destroy() };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<RollcallDatabase> {
  // Loaded only for PostgreSQL: it is a noticeable share of a SQLite service's start.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // int8 (epoch ms, counts) as numbers: every value Rollcall stores there is far below 2^53.
    types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) },
  });
  // A client that loses its server (failover, restart, pooler recycle, pg_terminate_backend) must
  // not crash the process. An idle one is reported by the pool; one checked out (inside a
  // transaction, between two statements) emits 'error' on itself, and an 'error' without a listener
  // is thrown. Its query fails, Kysely releases it, and pg discards a client that errored.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", url: redactUrl(url), close: () => db.destroy() };
}

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.split("@").pop() ?? url;
  }
}
