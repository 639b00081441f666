import type { Reporter, TestModule } from "vitest/node";
import { adminPgUrl, postgresSkippedMark } from "./postgres-settings.js";

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, that any CI log reader
 * understands (vitest's own summary is coloured and spread over several lines). When PostgreSQL was
 * unreachable, a second, loud line says how many PostgreSQL cases did not run and how to run them:
 * a green local run must not hide that half the matrix was skipped.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let postgresSkipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else {
          skipped++;
          if (test.fullName.includes(postgresSkippedMark)) postgresSkipped++;
        }
      }
      // A file that failed to load has no tests but must still count as a failure.
      if (module.state() === "failed" && ![...module.children.allTests()].some((t) => t.result().state === "failed")) failed++;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (postgresSkipped > 0) {
      process.stdout.write(
        `!!! PostgreSQL: ${postgresSkipped} cases SKIPPED (unreachable at ${adminPgUrl}). Start PostgreSQL there or point ROLLCALL_TEST_PG_URL at one to run them; ROLLCALL_REQUIRE_PG=1 fails the run instead of skipping.\n`,
      );
    }
  }
}
