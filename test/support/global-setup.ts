/**
 * Once per `vitest run`: every temporary folder a test, a server or a CLI child makes lands in one
 * folder of this run (TMPDIR, which `os.tmpdir()` and child processes read), and every PostgreSQL
 * database a suite creates carries this run's prefix; both are removed at the end, so a run leaves
 * nothing behind even when a suite's own cleanup timed out. Runs beside this one keep theirs.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { adminPgUrl } from "./postgres-settings.js";

export default function setup(): () => Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), "rollcall-tests-"));
  const prefix = `rollcall_test_${randomBytes(3).toString("hex")}_`;
  process.env["TMPDIR"] = runDir;
  process.env["ROLLCALL_TEST_DB_PREFIX"] = prefix;
  return async () => {
    rmSync(runDir, { recursive: true, force: true });
    await dropDatabases(prefix);
  };
}

async function dropDatabases(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [`${prefix}%`]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } catch {
    // No PostgreSQL, or it went away: nothing of this run's can be left there then.
  } finally {
    await client.end().catch(() => {});
  }
}
