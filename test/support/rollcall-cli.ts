import { spawn } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

/**
 * Node arguments that run the `rollcall` CLI from the sources through tsx, so tests exercise the
 * code as it is now, without a build first: `spawn(process.execPath, [...rollcallCli, "migrate"])`.
 * The compiled `bin/rollcall.js` (dist/) is what users run; test/package/packed-package.test.ts
 * installs the packed tarball and runs that.
 */
export const rollcallCli: readonly string[] = ["--import", "tsx", join(root, "src", "cli", "main.ts")];

/** What a finished `rollcall` command printed, and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one `rollcall` command from the sources (see {@link rollcallCli}) in the repository and
 * resolves when it exits, whatever its exit code: a test asserts on `code` and the output.
 */
export function runRollcall(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...rollcallCli, ...args], { cwd: root, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
