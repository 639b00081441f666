import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { rollcallCli } from "../../support/rollcall-cli.js";

const root = join(import.meta.dirname, "..", "..", "..");

/** `rollcall serve` in a child process, as a user would run it. */
export interface ChildServer {
  process: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns `rollcall serve` (from the sources, see rollcallCli) with `env` on a free port and waits until it listens. */
export async function spawnServer(env: Record<string, string>, args: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [...rollcallCli, "serve", ...args], {
    cwd: root,
    env: { PATH: process.env["PATH"] ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /Rollcall listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return { process: child, url, output: () => output, exited };
}
