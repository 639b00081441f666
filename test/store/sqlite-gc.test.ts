import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";

/**
 * better-sqlite3 12, compiled against Node 24.19+ headers, aborted the whole process
 * (`Assertion failed: (env) != nullptr`) when the garbage collector freed a statement on a worker
 * thread (where vitest runs tests and pino its transports). This plays that pattern in a child
 * process on the Node running the suite (CI runs the suite on each supported line), so an addon
 * or runtime that aborts fails here instead of in production.
 */
it(`preparing and dropping 100,000 SQLite statements, then collecting them, does not abort Node ${process.version}`, () => {
  const addon = createRequire(import.meta.url).resolve("better-sqlite3");
  const churn = join(import.meta.dirname, "..", "fixtures", "sqlite-gc-churn.cjs");
  const child = spawnSync(process.execPath, ["--expose-gc", churn, addon], { encoding: "utf8", timeout: 120_000 });
  expect(child.stderr).not.toMatch(/Assertion failed/);
  expect({ status: child.status, signal: child.signal, stdout: child.stdout }).toEqual({
    status: 0,
    signal: null,
    stdout: "100000 100000",
  });
});
