/**
 * Start benchmark: time from spawning a process to its first `GET /healthz` answered 200, for a bare
 * node:http server (the baseline) and `rollcall serve` as users run it (the compiled
 * `bin/rollcall.js`, SQLite, a fresh data directory each time, so the first start's migrations and
 * secret generation are included). The targets alternate BENCH_STARTS times; the medians count.
 * Needs dist/ (`npm run build`, which `npm install` runs). Last line: {"ratio", "medianMs", …}.
 *
 *   npm run bench:start        # BENCH_STARTS=9
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { listeningUrl, median } from "../support/bench-helpers.js";

const starts = Number(process.env["BENCH_STARTS"] ?? 9);
const root = join(import.meta.dirname, "..", "..");
const workDir = mkdtempSync(join(tmpdir(), "rollcall-start-"));

/** Spawns `args` with PORT=0 and resolves with the milliseconds until /healthz answered 200. */
async function timeToReady(args: string[], env: Record<string, string>): Promise<number> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env["PATH"] ?? "", PORT: "0", HOST: "127.0.0.1", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await listeningUrl(child);
    for (;;) {
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      if (response?.status === 200) return performance.now() - began;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}


try {
  if (!existsSync(join(root, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  console.log(`start benchmark: ${starts} alternating starts each, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const bare: number[] = [];
  const rollcall: number[] = [];
  for (let i = 0; i < starts; i++) {
    bare.push(await timeToReady([join("bench", "start", "bare-server.mjs")], {}));
    const dataDir = join(workDir, `data-${i}`);
    rollcall.push(await timeToReady([join("bin", "rollcall.js"), "serve"], { ROLLCALL_DATA_DIR: dataDir, LOG_LEVEL: "warn" }));
    console.log(`  start ${i + 1}: bare ${bare.at(-1)!.toFixed(0)} ms, rollcall serve ${rollcall.at(-1)!.toFixed(0)} ms`);
  }
  const bareMs = median(bare);
  const rollcallMs = median(rollcall);
  console.log(`median: bare node:http ${bareMs.toFixed(0)} ms, rollcall serve ${rollcallMs.toFixed(0)} ms (${(rollcallMs / bareMs).toFixed(2)}x)`);
  console.log(
    JSON.stringify({
      ratio: Number((rollcallMs / bareMs).toFixed(2)),
      medianMs: Math.round(rollcallMs),
      baselineMedianMs: Math.round(bareMs),
      bestMs: Math.round(Math.min(...rollcall)),
      baselineBestMs: Math.round(Math.min(...bare)),
      starts,
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
