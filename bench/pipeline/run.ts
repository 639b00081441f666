/**
 * Pipeline benchmark: a 10,000-participant webinar's full webhook stream (~30,000 signed POSTs,
 * 64 in flight) into a real Rollcall service, on SQLite and PostgreSQL. Baseline in the same run:
 * the same stream into a service without the pipeline worker (ingest alone). Measures the time until
 * every event is processed and the processing lag (received → processed) p50/p99 from the inbox rows.
 * Last line: one JSON object of the figures.
 *
 *   npm run bench:pipeline                      # SQLite + PostgreSQL (DATABASE_URL's server, or local)
 *   BENCH_PARTICIPANTS=2000 npm run bench:pipeline
 *   BENCH_DIALECTS=postgres npm run bench:pipeline
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import type { Link } from "../../src/core/index.js";
import { createPipelineWorker } from "../../src/pipeline/index.js";
import { startRollcall, type Worker } from "../../src/service/start-rollcall.js";
import { openDatabase } from "../../src/store/index.js";
import { postAll } from "../../test/pipeline/support/zoom-webhooks.js";
import { withBenchDatabase } from "../support/bench-database.js";
import { webinarStream } from "./webinar-stream.js";

const participants = Number(process.env["BENCH_PARTICIPANTS"] ?? 10_000);
const secret = "bench-pipeline-secret";

interface Figures {
  events: number;
  ingestOnlySeconds: number;
  ingestOnlyPerSecond: number;
  postSeconds: number;
  postPerSecond: number;
  allProcessedSeconds: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function serve(url: string, workers: Worker[]) {
  const config = loadConfig({
    env: {},
    overrides: { port: 0, host: "127.0.0.1", databaseUrl: url, webhookSecrets: [secret], dataDir: mkdtempSync(join(tmpdir(), "rollcall-bench-data-")), logLevel: "silent" },
  });
  return startRollcall(config, { workers, handleSignals: false, print: () => {} });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(dialect: "sqlite" | "postgres", bodies: unknown[], links: Link[]): Promise<Figures> {
  const baseline = await withBenchDatabase(dialect, async (url) => {
    const service = await serve(url, []);
    try {
      const t = performance.now();
      await postAll([service.url], secret, bodies, 64);
      return (performance.now() - t) / 1000;
    } finally {
      await service.stop(); // before the database is dropped, also on failure
    }
  });
  return withBenchDatabase(dialect, async (url) => {
    const worker = createPipelineWorker({ pipeline: { loadLinks: async () => links } });
    const service = await serve(url, [worker]);
    let postSeconds: number;
    let allProcessedSeconds: number;
    try {
      const t = performance.now();
      await postAll([service.url], secret, bodies, 64);
      postSeconds = (performance.now() - t) / 1000;
      await worker.idle();
      allProcessedSeconds = (performance.now() - t) / 1000;
    } finally {
      await service.stop(); // before the database is dropped, also on failure
    }
    const store = await openDatabase(url);
    const rows = await store.db.selectFrom("inbox_events").select(["received_at", "processed_at", "status"]).execute();
    await store.close();
    const notDone = rows.filter((r) => r.status !== "done").length;
    if (notDone > 0) throw new Error(`${notDone} events not done`);
    const lags = rows.map((r) => r.processed_at! - r.received_at).sort((a, b) => a - b);
    return {
      events: rows.length,
      ingestOnlySeconds: round(baseline),
      ingestOnlyPerSecond: Math.round(rows.length / baseline),
      postSeconds: round(postSeconds),
      postPerSecond: Math.round(rows.length / postSeconds),
      allProcessedSeconds: round(allProcessedSeconds),
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      lagMaxMs: lags[lags.length - 1] ?? 0,
    };
  });
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const { bodies, links } = webinarStream({ participants, seed: 2026 });
const result: Record<string, unknown> = { participants, posts: bodies.length };
const dialects = (process.env["BENCH_DIALECTS"] ?? "sqlite,postgres").split(",") as Array<"sqlite" | "postgres">;
for (const dialect of dialects) {
  try {
    const figures = await measure(dialect, bodies, links);
    result[dialect] = figures;
    console.log(
      `${dialect}: ${figures.events} events; ingest alone ${figures.ingestOnlyPerSecond}/s; with pipeline ${figures.postPerSecond}/s posted, all processed after ${figures.allProcessedSeconds} s; lag p50 ${figures.lagP50Ms} ms, p99 ${figures.lagP99Ms} ms, max ${figures.lagMaxMs} ms`,
    );
  } catch (error) {
    result[dialect] = { error: (error as Error).message };
    console.log(`${dialect}: skipped (${(error as Error).message})`);
  }
}
console.log(JSON.stringify(result));
