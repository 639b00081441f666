/**
 * A large `rollcall users import` (the CLI, another process) next to a running server on SQLite (issue 14 item 5): the import
 * commits in short chunks, the server's event loop never waits on the lock longer than its answer
 * budget (every webhook answered within Zoom's 3 s, /healthz quickly), and a second import at the
 * same time waits its turn instead of failing with "database is locked".
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/store/index.js";
import { rollcallCli } from "../support/rollcall-cli.js";
import { spawnServer, type ChildServer } from "./support/child-server.js";
import { joinedBody, signedDelivery } from "./support/signed-delivery.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const secret = "import-under-load-secret";
// Small enough for a loaded CI machine (an import of 3,000 users is 12 chunks), large enough that
// one transaction for all of it would hold the lock for seconds.
const usersPerFile = 3_000;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let url: string;
let server: ChildServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rollcall-import-load-"));
  url = `sqlite:${join(dir, "rollcall.db")}`;
  for (const file of ["a", "b"]) {
    const users = Array.from({ length: usersPerFile }, (_, i) => ({ externalId: `${file}-${i}`, email: `${file}.${i}@example.test`, customerKeys: [`ck-${file}-${i}`] }));
    writeFileSync(join(dir, `${file}.json`), JSON.stringify(users));
  }
  server = await spawnServer({ DATABASE_URL: url, ZOOM_WEBHOOK_SECRET_TOKEN: secret, LOG_LEVEL: "warn" });
}, 60_000);
afterAll(async () => {
  if (server && server.process.exitCode === null) {
    server.process.kill("SIGTERM");
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

it("keeps answering webhooks within Zoom's budget while two imports run, and both imports succeed", async () => {
  const answers: Array<{ status: number; ms: number; retryAfter: string | null }> = [];
  const health: number[] = [];
  let loading = true;
  const senders = Array.from({ length: 4 }, async () => {
    while (loading) {
      const started = performance.now();
      const response = await fetch(`${server.url}/webhooks/zoom`, { method: "POST", ...signedDelivery(secret, joinedBody()) }).catch(() => undefined);
      await response?.arrayBuffer();
      answers.push({ status: response?.status ?? 0, ms: performance.now() - started, retryAfter: response?.headers.get("retry-after") ?? null });
      await sleep(50);
    }
  });
  const prober = (async () => {
    while (loading) {
      const started = performance.now();
      await (await fetch(`${server.url}/healthz`).catch(() => undefined))?.arrayBuffer();
      health.push(performance.now() - started);
      await sleep(100);
    }
  })();
  const env = { PATH: process.env["PATH"] ?? "", DATABASE_URL: url, LOG_LEVEL: "silent" };
  const imports = ["a", "b"].map((file) => run(process.execPath, [...rollcallCli, "users", "import", join(dir, `${file}.json`)], { cwd: root, env }));
  let outputs;
  try {
    outputs = await Promise.all(imports);
  } finally {
    loading = false;
    await Promise.all([...senders, prober]);
  }
  for (const { stdout } of outputs) expect(stdout).toContain(`imported ${usersPerFile} users (${usersPerFile} created, 0 updated)`);
  const store = await openDatabase(url);
  try {
    const { count } = await store.db.selectFrom("directory_users").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
    expect(Number(count)).toBe(2 * usersPerFile);
  } finally {
    await store.close();
  }
  const refused = answers.filter((a) => a.status !== 200);
  const answerP95 = percentile(answers.map((a) => a.ms), 0.95);
  const healthP95 = percentile(health, 0.95);
  const figures = { deliveries: answers.length, refused: refused.length, answerP95Ms: Math.round(answerP95), slowestAnswerMs: Math.round(Math.max(...answers.map((a) => a.ms))), healthzP95Ms: Math.round(healthP95), slowestHealthzMs: Math.round(Math.max(...health)) };
  console.log(JSON.stringify(figures));
  expect(answers.length).toBeGreaterThan(20);
  for (const r of refused) expect(r).toMatchObject({ status: 503, retryAfter: "5" });
  // Zoom waits 3 s. Percentiles, not the maximum: on a shared CI machine the scheduler alone can
  // stall a process for a second; one transaction for the whole import stalled every answer.
  expect(answerP95).toBeLessThan(3000);
  expect(healthP95).toBeLessThan(3000);
  // A lock held for a chunk, not for the whole import: nearly every delivery is stored.
  expect(refused.length).toBeLessThanOrEqual(Math.ceil(answers.length * 0.1));
}, 120_000);
