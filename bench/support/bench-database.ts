/**
 * A throw-away database for one benchmark run: a SQLite file in a temp directory, or a PostgreSQL
 * database created on the server of `DATABASE_URL` (else the local one) and dropped afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type BenchDialect = "sqlite" | "postgres";

const pgAdmin = process.env["DATABASE_URL"]?.startsWith("postgres") ? process.env["DATABASE_URL"] : "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Runs `fn` with the URL of a fresh database and removes it afterwards, also when `fn` fails.
 *
 * @example
 * await withBenchDatabase("sqlite", async (url) => { const store = await openDatabase(url); ... });
 */
export async function withBenchDatabase<T>(dialect: BenchDialect, fn: (url: string) => Promise<T>): Promise<T> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "rollcall-bench-"));
    try {
      return await fn(`sqlite:${join(dir, "rollcall.db")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `rollcall_bench_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await adminQuery(`drop database if exists ${name} with (force)`);
  }
}

/** One short admin connection per statement: a long-idle one may be cut by the server. */
async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: pgAdmin });
  admin.on("error", () => {});
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end().catch(() => {});
  }
}
