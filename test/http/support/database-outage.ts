import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import type { RollcallDatabase } from "../../../src/store/index.js";
import { adminPgUrl } from "../../support/databases.js";

/** Makes a database refuse commits until `end()` (a real outage, not a mock). */
export interface DatabaseOutage {
  end(): Promise<void>;
}

/**
 * SQLite: a second connection holds the write lock (`BEGIN EXCLUSIVE`), and the server's busy
 * timeout is shortened so its commits fail fast with SQLITE_BUSY.
 * PostgreSQL: the database stops accepting connections and every existing one is terminated.
 */
export async function startOutage(store: RollcallDatabase, url: string): Promise<DatabaseOutage> {
  if (store.dialect === "sqlite") {
    await sql`pragma busy_timeout = 50`.execute(store.db);
    const locker = new BetterSqlite3(url.slice("sqlite:".length));
    locker.exec("begin exclusive");
    return {
      end: async () => {
        locker.exec("commit");
        locker.close();
        await sql`pragma busy_timeout = 5000`.execute(store.db);
      },
    };
  }
  const name = new URL(url).pathname.slice(1);
  await admin(`alter database ${name} allow_connections false`);
  await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`);
  return { end: () => admin(`alter database ${name} allow_connections true`) };
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPgUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}
