/**
 * Ingest benchmark: the same keep-alive load generator (`load.ts`: same connections, same body
 * shape and size, same duration) against a bare node:http server (baseline) and Rollcall's
 * POST /webhooks/zoom with a durable SQLite commit (synchronous=FULL; NORMAL for comparison), with
 * pre-signed realistic bodies whose dedupe keys are all distinct. The targets run interleaved,
 * BENCH_ROUNDS times, and the best run of each counts: on a shared 2-core machine other processes
 * come and go, and the best run is the one they disturbed least. Each line also gives the server
 * process's CPU time per request (user+system, all its threads), which other load disturbs far less
 * than requests/s. With BENCH_SERVE=1 it also measures a full `rollcall serve` (pipeline worker on).
 * Last line: {"ratio", "rps", "baselineRps", "p99Ms", …}.
 *
 *   npm run bench:ingest            # BENCH_SECONDS=8 BENCH_CONNECTIONS=64 BENCH_ROUNDS=2 by default
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { signZoomWebhook } from "../../src/zoom/webhook/index.js";
import { runLoad, type LoadResult, type PreparedRequest } from "./load.js";

const seconds = Number(process.env["BENCH_SECONDS"] ?? 8);
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 64);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 2);
const withServe = process.env["BENCH_SERVE"] === "1";
const root = join(import.meta.dirname, "..", "..");
const secret = "bench-secret";
const workDir = mkdtempSync(join(tmpdir(), "rollcall-bench-"));

/** A participant_joined like zoom-captures 09, one distinct participant per index. */
function body(i: number): string {
  return JSON.stringify({
    payload: {
      account_id: "AbCdEfGhIjKlMnOpQrStUv",
      object: {
        uuid: `Zq${String(i % 500).padStart(4, "0")}KbT8mGw6QnV5xLpA==`,
        participant: {
          user_id: String(16778240 + i),
          user_name: `참가자${i}`,
          registrant_id: "",
          participant_user_id: "",
          customer_key: "",
          id: "",
          join_time: "2026-04-03T05:01:12Z",
          public_ip: "203.0.113.7",
          email: "",
          participant_uuid: `${(0x10000000 + i).toString(16).toUpperCase()}-DB44-816C-EAE6-61EE82AF0F62`,
        },
        id: "81234567890",
        topic: "Weekly class",
        host_id: "HoStIdHoStIdHoStIdHoSt",
        duration: 60,
        start_time: "2026-04-03T05:00:00Z",
        timezone: "Asia/Seoul",
        type: 2,
      },
    },
    event_ts: 1775192472000 + i,
    event: "meeting.participant_joined",
  });
}

function prepare(count: number, offset: number): PreparedRequest[] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, (_, i) => {
    const text = body(offset + i);
    return { body: text, timestamp, signature: signZoomWebhook(secret, timestamp, text) };
  });
}

async function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/i.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
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

type Measured = LoadResult & { cpuUsPerRequest: number; stored?: number; label: string; loadAverage: number };

/** Loads a started server and measures it, server CPU included. */
async function measure(label: string, child: ChildProcess, url: string, requests: PreparedRequest[]): Promise<Measured> {
  const cpuBefore = cpuMs(child);
  const result = await runLoad({ url, requests, connections, seconds });
  const cpu = cpuMs(child) - cpuBefore;
  return { ...result, label, cpuUsPerRequest: (cpu * 1000) / Math.max(1, result.requests), loadAverage: loadavg()[0]! };
}

function line(r: Measured): void {
  console.log(
    `${r.label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${r.cpuUsPerRequest.toFixed(0)} µs/req  (${r.requests} requests, ${r.non2xx} non-2xx${r.stored !== undefined ? `, ${r.stored} stored` : ""})  load ${r.loadAverage.toFixed(2)}`,
  );
}

async function bare(): Promise<Measured> {
  const { child, url } = await start(["--import", "tsx", "bench/ingest/bare-server.ts"], {});
  const result = await measure("bare node:http (baseline)", child, url, prepare(4_000, 0));
  await stop(child);
  return result;
}

let runs = 0;
/** Rollcall on a fresh SQLite file: the ingest alone (`ingest-server.ts`), or all of `rollcall serve`. */
async function rollcall(synchronous: "FULL" | "NORMAL", serve = false): Promise<Measured> {
  const dir = join(workDir, `run-${++runs}`);
  const databaseUrl = `sqlite:${join(dir, "rollcall.db")}`;
  // Enough distinct events for the whole run at well above the expected rate.
  const requests = prepare(Math.max(20_000, seconds * 8_000), 0);
  const { child, url } = await start(serve ? ["bin/rollcall.js", "serve"] : ["--import", "tsx", "bench/ingest/ingest-server.ts"], {
    PORT: "0",
    HOST: "127.0.0.1",
    ROLLCALL_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    ZOOM_WEBHOOK_SECRET_TOKEN: secret,
    ROLLCALL_SQLITE_SYNCHRONOUS: synchronous,
    LOG_LEVEL: "warn",
  });
  const result = await measure(`rollcall sqlite ${synchronous}${serve ? " (serve, pipeline on)" : ""}`, child, url, requests);
  await stop(child);
  const store = await openDatabase(databaseUrl);
  await migrateToLatest(store);
  const stored = Number((await store.db.selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  await store.close();
  if (result.requests > requests.length) console.log(`  (the ${requests.length} prepared events wrapped around: later ones were redeliveries)`);
  // Every acknowledged delivery was a distinct event: each must be in the inbox.
  else if (stored !== result.requests - result.non2xx) throw new Error(`${result.label}: ${result.requests - result.non2xx} acknowledged, ${stored} stored`);
  return { ...result, stored };
}

function best(results: Measured[]): Measured {
  return results.reduce((a, b) => (b.rps > a.rps ? b : a));
}

try {
  const loadBefore = loadavg()[0]!;
  console.log(`ingest benchmark: node:http keep-alive load generator, ${connections} connections, ${seconds}s per target, ${rounds} interleaved rounds, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const all: Record<string, Measured[]> = { bare: [], full: [], normal: [], serve: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of [
      ["bare", bare],
      ["full", () => rollcall("FULL")],
      ["normal", () => rollcall("NORMAL")],
      ...(withServe ? ([["serve", () => rollcall("FULL", true)]] as const) : []),
    ] as const) {
      const result = await run();
      line(result);
      all[name]!.push(result);
    }
  }
  const baseline = best(all["bare"]!);
  const full = best(all["full"]!);
  const normal = best(all["normal"]!);
  const serve = withServe ? best(all["serve"]!) : undefined;
  console.log(`best of ${rounds}:`);
  for (const r of [baseline, full, normal, ...(serve ? [serve] : [])]) {
    line(r);
    if (r !== baseline) console.log(`  ratio ${(r.rps / baseline.rps).toFixed(2)}x`);
  }
  console.log(
    JSON.stringify({
      ratio: Number((full.rps / baseline.rps).toFixed(3)),
      rps: Math.round(full.rps),
      baselineRps: Math.round(baseline.rps),
      p99Ms: Number(full.p99Ms.toFixed(2)),
      normalRatio: Number((normal.rps / baseline.rps).toFixed(3)),
      normalRps: Math.round(normal.rps),
      ...(serve ? { serveRatio: Number((serve.rps / baseline.rps).toFixed(3)), serveRps: Math.round(serve.rps), serveP99Ms: Number(serve.p99Ms.toFixed(2)) } : {}),
      cpuUsPerRequest: { baseline: Math.round(baseline.cpuUsPerRequest), full: Math.round(full.cpuUsPerRequest), normal: Math.round(normal.cpuUsPerRequest) },
      loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
