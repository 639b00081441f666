/**
 * Ingest benchmark: the same keep-alive load generator (`load.ts`)
 * against a bare node:http server (baseline) and Rollcall's POST /webhooks/zoom with a durable
 * SQLite commit (synchronous=FULL, and NORMAL for comparison), with pre-signed realistic bodies
 * whose dedupe keys are all distinct. Last line: {"ratio", "rps", "baselineRps", "p99Ms"}.
 *
 *   npm run bench:ingest            # BENCH_SECONDS=8 BENCH_CONNECTIONS=64 by default
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { signZoomWebhook } from "../../src/zoom/webhook/index.js";
import { runLoad, type LoadResult, type PreparedRequest } from "./load.js";

const seconds = Number(process.env["BENCH_SECONDS"] ?? 8);
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 64);
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

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function load(url: string, requests: PreparedRequest[]): Promise<LoadResult> {
  return runLoad({ url, requests, connections, seconds });
}

function line(label: string, r: LoadResult): void {
  console.log(`${label.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (${r.requests} requests, ${r.non2xx} non-2xx)`);
}

async function rollcall(synchronous: "FULL" | "NORMAL", offset: number): Promise<LoadResult & { stored: number }> {
  const dir = join(workDir, synchronous);
  const databaseUrl = `sqlite:${join(dir, "rollcall.db")}`;
  // Enough distinct events for the whole run at well above the expected rate.
  const requests = prepare(Math.max(20_000, seconds * 8_000), offset);
  const { child, url } = await start(["--import", "tsx", "bench/ingest/ingest-server.ts"], {
    PORT: "0",
    HOST: "127.0.0.1",
    ROLLCALL_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    ZOOM_WEBHOOK_SECRET_TOKEN: secret,
    ROLLCALL_SQLITE_SYNCHRONOUS: synchronous,
    LOG_LEVEL: "warn",
  });
  const result = await load(url, requests);
  await stop(child);
  const store = await openDatabase(databaseUrl);
  await migrateToLatest(store);
  const stored = Number((await store.db.selectFrom("inbox_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  await store.close();
  if (result.requests > requests.length) console.log(`  (the ${requests.length} prepared events wrapped around: later ones were redeliveries)`);
  return { ...result, stored };
}

try {
  console.log(`ingest benchmark: node:http keep-alive load generator, ${connections} connections, ${seconds}s per target`);
  const bare = await start(["--import", "tsx", "bench/ingest/bare-server.ts"], {});
  const baseline = await load(bare.url, prepare(2_000, 0));
  await stop(bare.child);
  line("bare node:http (baseline)", baseline);

  const full = await rollcall("FULL", 0);
  line("rollcall sqlite FULL", full);
  const normal = await rollcall("NORMAL", 10_000_000);
  line("rollcall sqlite NORMAL", normal);
  for (const [name, r] of [["FULL", full], ["NORMAL", normal]] as const) {
    console.log(`  ${name}: ${r.requests - r.non2xx} acknowledged, ${r.stored} distinct events in the inbox; ratio ${(r.rps / baseline.rps).toFixed(2)}x`);
  }
  console.log(JSON.stringify({ ratio: Number((full.rps / baseline.rps).toFixed(3)), rps: Math.round(full.rps), baselineRps: Math.round(baseline.rps), p99Ms: Number(full.p99Ms.toFixed(2)), normalRatio: Number((normal.rps / baseline.rps).toFixed(3)), normalRps: Math.round(normal.rps) }));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
