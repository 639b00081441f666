import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores: the database-backed suites each start servers and databases of their own.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // One temporary folder and one database-name prefix per run, removed at its end.
    globalSetup: ["./test/support/global-setup.ts"],
  },
});
