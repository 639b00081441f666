/**
 * Scaling-out benchmark on PostgreSQL: 1 then 2 `rollcall serve --role ingest` processes under wrk
 * (one wrk per process, BENCH_CONNECTIONS each, distinct signed bodies), then 1 then 2
 * `--role worker` processes draining what was stored (events per second until the inbox has no
 * pending event). Baseline in the same run: one bare node:http server under the same wrk. Nothing is
 * pinned (the processes are meant to spread over the cores). Last line: one JSON object of figures.
 *
 *   npm run bench:roles     # BENCH_SECONDS=8 BENCH_CONNECTIONS=25; BENCH_PG_URL (default ROLLCALL_TEST_PG_URL or local)
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { listeningUrl } from "../support/bench-helpers.js";
import { writeDeliveries } from "../ingest/deliveries.js";

const run = promisify(execFile);
const seconds = Number(process.env["BENCH_SECONDS"] ?? 8);
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 25);
const adminUrl = process.env["BENCH_PG_URL"] ?? process.env["ROLLCALL_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
const root = join(import.meta.dirname, "..", "..");
const secret = "bench-secret";
const workDir = mkdtempSync(join(tmpdir(), "rollcall-roles-bench-"));
// What users run: the compiled CLI (`npm run bench:…` builds it first), not the sources through tsx.
const cli = [join(root, "bin", "rollcall.js")];

async function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await listeningUrl(child);
  return { child, url };
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
}

/** One wrk per URL at once; the sum of their requests per second and the worst non-2xx count. */
async function load(urls: string[], offset: number): Promise<{ rps: number; non2xx: number }> {
  const results = await Promise.all(
    urls.map(async (url, i) => {
      const deliveries = writeDeliveries(workDir, secret, Math.max(20_000, seconds * 6_000), offset + i * 1_000_000);
      const { stdout } = await run("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", join(root, "bench", "ingest", "signed-deliveries.lua"), url], {
        env: { ...process.env, BENCH_DELIVERIES: deliveries },
      });
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as { requests: number; durationUs: number; non2xx: number };
    }),
  );
  return { rps: results.reduce((sum, r) => sum + r.requests / (r.durationUs / 1e6), 0), non2xx: results.reduce((sum, r) => sum + r.non2xx, 0) };
}

async function withDatabase<T>(name: string, work: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** n ingest processes under load, then n workers draining: ingest requests/s and worker events/s. */
async function scale(n: number): Promise<{ ingestRps: number; stored: number; workerEventsPerSecond: number }> {
  return withDatabase(`rollcall_bench_roles_${process.pid}_${n}`, async (databaseUrl) => {
    const store = await openDatabase(databaseUrl);
    await migrateToLatest(store);
    const env = { DATABASE_URL: databaseUrl, ZOOM_WEBHOOK_SECRET_TOKEN: secret, LOG_LEVEL: "warn", PORT: "0", HOST: "127.0.0.1" };
    const ingest = await Promise.all(Array.from({ length: n }, (_, i) => start([...cli, "serve", "--role", "ingest"], { ...env, ROLLCALL_DATA_DIR: join(workDir, `i${n}-${i}`) })));
    const measured = await load(
      ingest.map((s) => s.url),
      n * 10_000_000,
    );
    await stopAll(ingest.map((s) => s.child));
    const pending = async (): Promise<number> =>
      Number((await store.db.selectFrom("inbox_events").where("status", "=", "pending").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const stored = await pending();
    const workers = await Promise.all(Array.from({ length: n }, (_, i) => start([...cli, "serve", "--role", "worker"], { ...env, ROLLCALL_DATA_DIR: join(workDir, `w${n}-${i}`) })));
    const began = Date.now();
    while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100));
    const drainSeconds = (Date.now() - began) / 1000;
    await stopAll(workers.map((s) => s.child));
    await store.close();
    console.log(`${n} ingest: ${measured.rps.toFixed(0)} req/s (${measured.non2xx} non-2xx); ${n} worker: ${stored} events in ${drainSeconds.toFixed(1)} s`);
    return { ingestRps: measured.rps, stored, workerEventsPerSecond: stored / drainSeconds };
  });
}

try {
  console.log(`roles benchmark on PostgreSQL: wrk -t1 -c${connections} per process, ${seconds}s, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const bare = await start(["--import", "tsx", "bench/ingest/bare-server.ts"], {});
  const baseline = await load([bare.url], 0);
  await stopAll([bare.child]);
  console.log(`bare node:http: ${baseline.rps.toFixed(0)} req/s`);
  const one = await scale(1);
  const two = await scale(2);
  console.log(
    JSON.stringify({
      baselineRps: Math.round(baseline.rps),
      ingestRps: { one: Math.round(one.ingestRps), two: Math.round(two.ingestRps) },
      workerEventsPerSecond: { one: Math.round(one.workerEventsPerSecond), two: Math.round(two.workerEventsPerSecond) },
      ingestRatio: { one: Number((one.ingestRps / baseline.rps).toFixed(3)), two: Number((two.ingestRps / baseline.rps).toFixed(3)) },
      seconds,
      connections,
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
