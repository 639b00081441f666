import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

/**
 * Node arguments that run the `rollcall` CLI from the sources through tsx, so tests exercise the
 * code as it is now, without a build first: `spawn(process.execPath, [...rollcallCli, "migrate"])`.
 * The compiled `bin/rollcall.js` (dist/) is what users run; test/package/packed-package.test.ts
 * installs the packed tarball and runs that.
 */
export const rollcallCli: readonly string[] = ["--import", "tsx", join(root, "src", "cli", "main.ts")];
