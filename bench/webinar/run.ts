/**
 * A 100,000-attendee webinar, live: its ~220,000 webhooks, signed like Zoom, posted to one running
 * `rollcall serve` (the compiled CLI, pinned to CPU 0) as fast as it accepts them (64 in flight
 * from this process, pinned to CPU 1). Per target, SQLite and PostgreSQL with one and two workers
 * (a second `--role worker` process on the same database): the lag from receipt to the attendance
 * row (the inbox row is marked processed in the transaction that writes its derived rows), the
 * time to drain after the last post, the peak RSS and CPU time of the Rollcall process(es), and
 * whether attendance equals the plan's truth for every attendee. Baseline in the same run: the
 * same stream into `--role ingest` (verify and store only), posted the same way.
 *
 *   npm run bench:webinar                             # BENCH_ATTENDEES=100000, all three targets
 *   BENCH_ATTENDEES=20000 BENCH_TARGETS=sqlite npm run bench:webinar
 * Last line: one JSON object of the figures.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { importUsers, userImportRowSchema } from "../../src/directory/index.js";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { postAll } from "../../test/pipeline/support/zoom-webhooks.js";
import { withBenchDatabase, type BenchDialect } from "../support/bench-database.js";
import { listeningUrl } from "../support/bench-helpers.js";
import { webinarPlan, type WebinarPlan } from "./webinar-plan.js";

const attendees = Number(process.env["BENCH_ATTENDEES"] ?? 100_000);
const targets = (process.env["BENCH_TARGETS"] ?? "sqlite,postgres,postgres-2-workers").split(",");
const serverCpu = process.env["BENCH_SERVER_CPU"] ?? "0";
const root = join(import.meta.dirname, "..", "..");
const secret = "bench-webinar-secret";
const cli = join(root, "bin", "rollcall.js");

// This process posts: keep it off the server's core.
try {
  execFileSync("taskset", ["-cp", process.env["BENCH_LOAD_CPU"] ?? "1", String(process.pid)], { stdio: "ignore" });
} catch {
  console.log("(taskset unavailable: the poster and the server share cores)");
}

interface Figures {
  postSeconds: number;
  postsPerSecond: number;
  drainSeconds: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  peakRssMiB: number;
  cpuSeconds: number;
  attendanceExact: boolean;
  wrongUsers: number;
  loadAverage: number;
}

function spawnServe(url: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-bench-webinar-"));
  const child = spawn("taskset", ["-c", serverCpu, process.execPath, cli, "serve", "--port", "0", "--host", "127.0.0.1", "--database-url", url, "--data-dir", dataDir, ...args], {
    env: { PATH: process.env["PATH"] ?? "", ZOOM_WEBHOOK_SECRET_TOKEN: secret, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return listeningUrl(child).then((u) => ({ child, url: u }));
}

/** The Rollcall process under taskset (the node child of the `taskset` process). */
function nodePid(child: ChildProcess): number {
  return child.pid!; // taskset execs node: same pid
}

function peakRssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${nodePid(child)}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${nodePid(child)}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function prepare(url: string, plan: WebinarPlan): Promise<void> {
  const store = await openDatabase(url);
  try {
    await migrateToLatest(store);
    await importUsers(store, plan.users.map((u) => userImportRowSchema.parse(u)), { accountId: "*", privacy: { privacy: "store" }, chunkSize: 5000, sqlitePauseMs: 0 });
  } finally {
    await store.close();
  }
}

/** Posts every body; returns seconds. */
async function post(urls: string[], plan: WebinarPlan): Promise<number> {
  const t = performance.now();
  await postAll(urls, secret, plan.bodies, 64);
  return (performance.now() - t) / 1000;
}

async function measure(dialect: BenchDialect, workers: number, plan: WebinarPlan): Promise<Figures> {
  return withBenchDatabase(dialect, async (url) => {
    await prepare(url, plan);
    const main = await spawnServe(url, []);
    const extra = workers > 1 ? [await spawnServe(url, ["--role", "worker"])] : [];
    const store = await openDatabase(url);
    try {
      const postSeconds = await post([main.url], plan);
      const posted = performance.now();
      for (;;) {
        const pending = await store.db.selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
        if (Number(pending.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const drainSeconds = (performance.now() - posted) / 1000;
      const processes = [main.child, ...extra.map((e) => e.child)];
      const peak = Math.max(...processes.map(peakRssMiB));
      const cpu = processes.reduce((sum, p) => sum + cpuSeconds(p), 0);
      const rows = await store.db.selectFrom("inbox_events").select(["received_at", "processed_at"]).execute();
      const lags = rows.map((r) => Number(r.processed_at) - Number(r.received_at)).sort((a, b) => a - b);
      const attendance = await store.db.selectFrom("attendance").select(["user_id", "attended_ms"]).where("instance_uuid", "=", plan.uuid).execute();
      const got = new Map(attendance.map((r) => [r.user_id, Number(r.attended_ms)]));
      let wrong = 0;
      for (const [user, ms] of plan.truth) if (got.get(user) !== ms) wrong++;
      return {
        postSeconds: round(postSeconds),
        postsPerSecond: Math.round(plan.bodies.length / postSeconds),
        drainSeconds: round(drainSeconds),
        lagP50Ms: percentile(lags, 50),
        lagP99Ms: percentile(lags, 99),
        lagMaxMs: lags.at(-1) ?? 0,
        peakRssMiB: Math.round(peak),
        cpuSeconds: round(cpu),
        attendanceExact: wrong === 0 && got.size === plan.truth.size,
        wrongUsers: wrong + Math.max(0, got.size - plan.truth.size),
        loadAverage: round(loadavg()[0]!),
      };
    } finally {
      await store.close();
      for (const e of extra) await stop(e.child);
      await stop(main.child);
    }
  });
}

/** The same stream into `--role ingest`: what posting alone takes on this machine now. */
async function ingestBaseline(plan: WebinarPlan): Promise<{ postSeconds: number; postsPerSecond: number }> {
  return withBenchDatabase("sqlite", async (url) => {
    await prepare(url, { ...plan, users: [] });
    const ingest = await spawnServe(url, ["--role", "ingest"]);
    try {
      const postSeconds = await post([ingest.url], plan);
      return { postSeconds: round(postSeconds), postsPerSecond: Math.round(plan.bodies.length / postSeconds) };
    } finally {
      await stop(ingest.child);
    }
  });
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const plan = webinarPlan({ attendees, seed: 24 });
console.log(`webinar: ${attendees} attendees, ${plan.bodies.length} webhooks; load ${loadavg()[0]!.toFixed(2)}`);
const result: Record<string, unknown> = { attendees, webhooks: plan.bodies.length };
result["ingestOnlySqlite"] = await ingestBaseline(plan);
console.log(`baseline --role ingest (SQLite): ${JSON.stringify(result["ingestOnlySqlite"])}`);
for (const target of targets) {
  const dialect: BenchDialect = target.startsWith("postgres") ? "postgres" : "sqlite";
  const workers = target === "postgres-2-workers" ? 2 : 1;
  try {
    const figures = await measure(dialect, workers, plan);
    result[target] = figures;
    console.log(
      `${target}: posted at ${figures.postsPerSecond}/s (${figures.postSeconds} s), drained ${figures.drainSeconds} s after; lag p50 ${figures.lagP50Ms} ms, p99 ${figures.lagP99Ms} ms, max ${figures.lagMaxMs} ms; peak RSS ${figures.peakRssMiB} MiB; CPU ${figures.cpuSeconds} s; attendance ${figures.attendanceExact ? "exact" : `WRONG for ${figures.wrongUsers} users`}; load ${figures.loadAverage}`,
    );
  } catch (error) {
    result[target] = { error: (error as Error).message };
    console.log(`${target}: failed (${(error as Error).message})`);
  }
}
console.log(JSON.stringify(result));
