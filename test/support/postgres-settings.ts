/**
 * The test run's PostgreSQL settings, without side effects, so the summary reporter (which runs in
 * vitest's main process) can read them without connecting anywhere.
 */

/** Where suites create their databases (`ROLLCALL_TEST_PG_URL`). */
export const adminPgUrl = process.env["ROLLCALL_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** `ROLLCALL_REQUIRE_PG=1`: an unreachable PostgreSQL fails the run instead of skipping its cases. */
export const requirePg = process.env["ROLLCALL_REQUIRE_PG"] === "1";

/** In a suite's title: its PostgreSQL cases were skipped because PostgreSQL was unreachable. */
export const postgresSkippedMark = "[postgres unreachable]";
