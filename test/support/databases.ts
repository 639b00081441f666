/**
 * Runs the same tests against SQLite and PostgreSQL. Each suite gets a database of its own: a file
 * in a temporary folder, or a fresh PostgreSQL database created from `ROLLCALL_TEST_PG_URL` and
 * dropped afterwards. Without `ROLLCALL_REQUIRE_PG=1` an unreachable PostgreSQL skips (with a
 * warning) instead of failing, so a laptop without it can still run the SQLite half. Skipped
 * PostgreSQL suites are titled `[postgres unreachable]`; the summary reporter counts them and says
 * so loudly at the end of the run.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import type { DialectName } from "../../src/store/index.js";
import { adminPgUrl, postgresSkippedMark, requirePg } from "./postgres-settings.js";

export { adminPgUrl };

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (error) {
    if (requirePg) throw new Error(`PostgreSQL is required (ROLLCALL_REQUIRE_PG=1) but unreachable at ${adminPgUrl}: ${(error as Error).message}`);
    console.warn(`PostgreSQL unreachable at ${adminPgUrl}: PostgreSQL cases are skipped`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresAvailable = await postgresReachable();

/** The dialects this run covers. */
export const testedDialects: DialectName[] = postgresAvailable ? ["sqlite", "postgres"] : ["sqlite"];

/**
 * `describe` for a suite that needs PostgreSQL: skipped, under a title carrying
 * {@link postgresSkippedMark}, when PostgreSQL is unreachable (and `ROLLCALL_REQUIRE_PG` is not set).
 */
export function describePostgres(title: string, body: () => void): void {
  if (postgresAvailable) describe(title, body);
  else describe.skip(`${title} ${postgresSkippedMark}`, body);
}

/** A database made for one suite. */
export interface TestDatabase {
  dialect: DialectName;
  /** A `DATABASE_URL` for it. */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database of the given dialect. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "rollcall-test-"));
    return { dialect, url: `sqlite:${join(dir, "rollcall.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  // The run's prefix (test/support/global-setup.ts) lets the run drop what a failed cleanup left.
  const name = `${process.env["ROLLCALL_TEST_DB_PREFIX"] ?? "rollcall_test_"}${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(adminPgUrl);
  url.pathname = `/${name}`;
  return { dialect, url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `describe`s the body once per dialect with a fresh database; `database()` returns it inside tests
 * and hooks.
 *
 * @example
 * eachDatabase("inbox", (database) => {
 *   it("stores", async () => { const store = await openDatabase(database().url); ... });
 * });
 */
export function eachDatabase(title: string, body: (database: () => TestDatabase) => void): void {
  for (const dialect of ["sqlite", "postgres"] as const) {
    const suite = dialect === "postgres" ? describePostgres : describe;
    suite(`${title} [${dialect}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await current?.drop();
      });
      body(() => {
        if (!current) throw new Error("the test database is made in beforeAll; use it inside tests and hooks");
        return current;
      });
    });
  }
}
