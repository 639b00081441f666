/**
 * Ingest benchmark, measured with a load generator that is not the bottleneck: Debian's `wrk` (one
 * thread, BENCH_CONNECTIONS keep-alive connections) pinned to CPU 1, the server pinned to CPU 0
 * (every thread of it: the HTTP loop, the SQLite commit thread and, for `serve`, the pipeline).
 * Targets, interleaved BENCH_ROUNDS times in one run:
 *   - bare node:http that reads the body and answers 200 (the baseline);
 *   - `rollcall serve --role ingest` (verify + durable group commit, SQLite synchronous=FULL);
 *   - `rollcall serve` (role all: the pipeline on the same core), then the time until the
 *     `rollcall_inbox_depth` gauge is back to 0 after the load stopped (drainMs).
 * Bodies are realistic participant_joined deliveries, pre-signed, each distinct (so every one is a
 * new inbox row). Each line gives the server's CPU time per request (all threads, /proc). The JSON
 * line has the best and the median ratio of each target to the bare server of the same run.
 *
 *   npm run bench:ingest      # builds dist/ first; BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3; needs wrk and taskset
 *   BENCH_PROFILE=1 npm run bench:ingest   # also writes --cpu-prof profiles of the Rollcall targets (every thread) to .bench/profiles/<role>-<run>/
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { listeningUrl, median } from "../support/bench-helpers.js";
import { writeDeliveries } from "./deliveries.js";

const run = promisify(execFile);
const seconds = Number(process.env["BENCH_SECONDS"] ?? 10);
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 50);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
const profile = process.env["BENCH_PROFILE"] === "1";
const serverCpu = process.env["BENCH_SERVER_CPU"] ?? "0";
const loadCpu = process.env["BENCH_LOAD_CPU"] ?? "1";
const root = join(import.meta.dirname, "..", "..");
const secret = "bench-secret";
const workDir = mkdtempSync(join(tmpdir(), "rollcall-bench-"));
// What users run: the compiled CLI (`npm run bench:…` builds it first), not the sources through tsx.
const cli = [join(root, "bin", "rollcall.js")];

async function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn("taskset", ["-c", serverCpu, process.execPath, ...args], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await listeningUrl(child);
  return { child, url };
}

/** CPU time (user + system, every thread) the child has used so far, in ms: Linux /proc only. */
function cpuMs(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

interface WrkResult {
  requests: number;
  durationUs: number;
  non2xx: number;
  socketErrors: number;
  p50Us: number;
  p99Us: number;
}

interface Measured {
  label: string;
  rps: number;
  requests: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  loadAverage: number;
  stored?: number;
  drainMs?: number;
}

/** Runs wrk (pinned) against a started server and measures it, server CPU included. */
async function measure(label: string, child: ChildProcess, url: string, deliveries: string): Promise<Measured> {
  const cpuBefore = cpuMs(child);
  const { stdout } = await run(
    "taskset",
    ["-c", loadCpu, "wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", join(import.meta.dirname, "signed-deliveries.lua"), url],
    { env: { ...process.env, BENCH_DELIVERIES: deliveries }, maxBuffer: 1 << 20 },
  );
  const cpu = cpuMs(child) - cpuBefore;
  const wrk = JSON.parse(stdout.trim().split("\n").at(-1)!) as WrkResult;
  if (wrk.socketErrors > 0) console.log(`  (${label}: ${wrk.socketErrors} socket errors)`);
  return {
    label,
    rps: wrk.requests / (wrk.durationUs / 1e6),
    requests: wrk.requests,
    non2xx: wrk.non2xx,
    p50Ms: wrk.p50Us / 1000,
    p99Ms: wrk.p99Us / 1000,
    cpuUsPerRequest: (cpu * 1000) / Math.max(1, wrk.requests),
    loadAverage: loadavg()[0]!,
  };
}

function line(r: Measured): void {
  console.log(
    `${r.label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${r.cpuUsPerRequest.toFixed(0)} µs/req  (${r.requests} requests, ${r.non2xx} non-2xx${r.stored !== undefined ? `, ${r.stored} stored` : ""}${r.drainMs !== undefined ? `, inbox drained in ${r.drainMs} ms` : ""})  load ${r.loadAverage.toFixed(2)}`,
  );
}

let bareDeliveries: string | undefined;
async function bare(): Promise<Measured> {
  bareDeliveries ??= writeDeliveries(workDir, secret, 20_000);
  const { child, url } = await start(["--import", "tsx", "bench/ingest/bare-server.ts"], {});
  const result = await measure("bare node:http (baseline)", child, url, bareDeliveries);
  await stop(child);
  return result;
}

/** The `rollcall_inbox_depth` gauge from /metrics. */
async function inboxDepth(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^rollcall_inbox_depth\s+(\d+(?:\.\d+)?)/m.exec(text);
  if (!match) throw new Error("/metrics has no rollcall_inbox_depth");
  return Number(match[1]);
}

let runs = 0;
/** `rollcall serve` on a fresh SQLite file (synchronous=FULL): `--role ingest`, or the whole service. */
async function rollcall(role: "ingest" | "all"): Promise<Measured> {
  const dir = join(workDir, `run-${++runs}`);
  const databaseUrl = `sqlite:${join(dir, "rollcall.db")}`;
  // Enough distinct events for the whole run at well above the expected rate (signed now: the
  // timestamp must be within the 5-minute tolerance).
  const count = Number(process.env["BENCH_DELIVERIES_COUNT"] ?? Math.max(30_000, seconds * 12_000));
  const deliveries = writeDeliveries(workDir, secret, count);
  // A folder per run: the main thread and the inbox's commit thread each write a profile (Node names them).
  const profileDir = join(root, ".bench", "profiles", `${role}-${runs}`);
  const profileArgs = profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  if (profile) mkdirSync(profileDir, { recursive: true });
  const { child, url } = await start([...profileArgs, ...cli, "serve", "--role", role], {
    PORT: "0",
    HOST: "127.0.0.1",
    ROLLCALL_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    ZOOM_WEBHOOK_SECRET_TOKEN: secret,
    ROLLCALL_SQLITE_SYNCHRONOUS: "FULL",
    LOG_LEVEL: "warn",
  });
  const label = role === "ingest" ? "rollcall --role ingest, FULL" : "rollcall serve (pipeline on), FULL";
  const result = await measure(label, child, url, deliveries);
  let drainMs: number | undefined;
  if (role === "all") {
    const stoppedAt = Date.now();
    while ((await inboxDepth(url)) > 0) {
      if (Date.now() - stoppedAt > 120_000) throw new Error("inbox not drained 120 s after the load stopped");
      await new Promise((r) => setTimeout(r, 50));
    }
    drainMs = Date.now() - stoppedAt;
  }
  await stop(child);
  const store = await openDatabase(databaseUrl);
  await migrateToLatest(store);
  const stored = Number((await store.db.selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  await store.close();
  if (result.requests > count) console.log(`  (the ${count} prepared events wrapped around: later ones were redeliveries)`);
  // Every acknowledged delivery was a distinct event: each must be in the inbox. wrk does not count
  // the requests still in flight when it stops (at most one per connection), which may be stored too.
  else if (stored < result.requests - result.non2xx || stored > result.requests - result.non2xx + connections) {
    throw new Error(`${label}: ${result.requests - result.non2xx} acknowledged, ${stored} stored`);
  }
  return { ...result, stored, ...(drainMs !== undefined ? { drainMs } : {}) };
}

const best = (results: Measured[]): Measured => results.reduce((a, b) => (b.rps > a.rps ? b : a));
const round3 = (value: number): number => Number(value.toFixed(3));

try {
  const loadBefore = loadavg()[0]!;
  console.log(
    `ingest benchmark: wrk -t1 -c${connections} on CPU ${loadCpu}, servers on CPU ${serverCpu}, ${seconds}s per target, ${rounds} interleaved rounds, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  );
  const all: Record<"bare" | "ingest" | "serve", Measured[]> = { bare: [], ingest: [], serve: [] };
  // Ratios are taken within a round (bare, ingest, serve back to back), so a noisy minute spoils one round, not a ratio.
  const ratios: Record<"ingest" | "serve", number[]> = { ingest: [], serve: [] };
  for (let round = 0; round < rounds; round++) {
    const baseline = await bare();
    line(baseline);
    all.bare.push(baseline);
    for (const name of ["ingest", "serve"] as const) {
      const result = await rollcall(name === "ingest" ? "ingest" : "all");
      line(result);
      all[name].push(result);
      ratios[name].push(result.rps / baseline.rps);
    }
  }
  const baseline = best(all.bare);
  const ingest = best(all.ingest);
  const serve = best(all.serve);
  console.log(`best of ${rounds}:`);
  for (const r of [baseline, ingest, serve]) line(r);
  console.log(`ratio to the bare server, best / median of the per-round ratios: ingest ${Math.max(...ratios.ingest).toFixed(2)} / ${median(ratios.ingest).toFixed(2)}, serve ${Math.max(...ratios.serve).toFixed(2)} / ${median(ratios.serve).toFixed(2)}`);
  console.log(
    JSON.stringify({
      ingestRatio: round3(Math.max(...ratios.ingest)),
      ingestRatioMedian: round3(median(ratios.ingest)),
      serveRatio: round3(Math.max(...ratios.serve)),
      serveRatioMedian: round3(median(ratios.serve)),
      drainMs: Math.max(...all.serve.map((r) => r.drainMs!)),
      baselineRps: Math.round(baseline.rps),
      ingestRps: Math.round(ingest.rps),
      serveRps: Math.round(serve.rps),
      ingestP99Ms: Number(ingest.p99Ms.toFixed(2)),
      serveP99Ms: Number(serve.p99Ms.toFixed(2)),
      cpuUsPerRequest: { baseline: Math.round(baseline.cpuUsPerRequest), ingest: Math.round(ingest.cpuUsPerRequest), serve: Math.round(serve.cpuUsPerRequest) },
      connections,
      seconds,
      rounds,
      loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
