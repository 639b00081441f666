import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, webhookSecretFile, type Config } from "../../config/index.js";
import { applyChaos, type ChaosKind } from "../../emulator/delivery/chaos.js";
import { checkUrlValidation } from "../../emulator/delivery/url-validation-check.js";
import { sendDeliveries, ZOOM_RETRY_DELAYS_MS, type SendSummary } from "../../emulator/delivery/webhook-sender.js";
import { parseDuration } from "../../emulator/scenarios/duration.js";
import { loadScenario } from "../../emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../emulator/simulator/simulate-meeting.js";

export interface SimulateOptions {
  scenario: string;
  target?: string;
  secret?: string;
  speed: string;
  seed: string;
  chaos?: string;
  chaosRate: string;
  validate?: boolean;
  print?: boolean;
  param: string[];
  start?: string;
  retryDelays?: string;
  timeout: string;
  concurrency: string;
  clientId: string;
  progressEvery: string;
  truth?: string;
}

/** `rollcall simulate`: plays a scenario as Zoom and sends its signed webhooks to a target (or prints them with `--print`). */
export async function runSimulate(opts: SimulateOptions): Promise<void> {
  const params = Object.fromEntries(opts.param.map((pair) => splitParam(pair)));
  const scenario = loadScenario(opts.scenario, params);
  if (opts.start !== undefined) {
    const start = opts.start === "now" ? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() : opts.start;
    if (Number.isNaN(Date.parse(start))) throw new Error(`--start: expected an ISO-8601 time or "now", got ${JSON.stringify(opts.start)}`);
    scenario.meeting.start = start;
  }
  const seed = integer("--seed", opts.seed, 0);
  const simulation = simulateMeeting(scenario, { seed });
  let deliveries = simulation.deliveries;
  if (opts.chaos) {
    const kinds = opts.chaos.split(",").map((k) => k.trim()).filter(Boolean) as ChaosKind[];
    const rate = Number(opts.chaosRate);
    deliveries = applyChaos(deliveries, { kinds, seed, rate }).deliveries;
  }
  if (opts.truth) {
    writeFileSync(opts.truth, JSON.stringify({ instance: simulation.instance, groundTruth: simulation.groundTruth, report: simulation.report.rows }, null, 2) + "\n");
  }

  if (opts.print) {
    // `… --print | head` closes the pipe early; that is not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
    for (const d of deliveries) {
      process.stdout.write(JSON.stringify({ at: new Date(d.at).toISOString(), seq: d.seq, ...(d.note ? { note: d.note } : {}), body: d.body }) + "\n");
    }
    return;
  }

  // The local service's port and secret, read as `rollcall serve` reads them.
  const config = opts.target === undefined || opts.secret === undefined ? loadConfig() : undefined;
  const target = opts.target ?? `http://localhost:${config!.port}/webhooks/zoom`;
  const secret = opts.secret ?? findLocalSecret(config!);
  const speed = opts.speed === "max" ? "max" : positive("--speed", opts.speed);
  const retryDelaysMs = opts.retryDelays ? opts.retryDelays.split(",").map((d) => durationMs("--retry-delays", d)) : ZOOM_RETRY_DELAYS_MS;
  const timeoutMs = integer("--timeout", opts.timeout, 1);
  const log = (line: string) => process.stderr.write(`simulate: ${line}\n`);

  if (opts.validate) {
    const result = await checkUrlValidation(target, secret, { timeoutMs, clientId: opts.clientId });
    if (!result.ok) throw new Error(`URL validation against ${target} failed: ${result.reason}`);
    log(`URL validation passed (${result.elapsedMs} ms)`);
  }
  log(
    `${scenario.name ?? opts.scenario}: ${deliveries.length} deliveries for instance ${simulation.instance.uuid} → ${target} (speed ${speed}, seed ${seed})`,
  );
  const summary = await sendDeliveries(deliveries, {
    target,
    secret,
    speed,
    retryDelaysMs,
    timeoutMs,
    clientId: opts.clientId,
    concurrency: integer("--concurrency", opts.concurrency, 1),
    progressEvery: integer("--progress-every", opts.progressEvery, 1),
    onProgress: (p) => {
      if (p.pending > 0) log(progressLine(p));
    },
  });
  process.stdout.write(
    `sent ${summary.attempts} requests for ${summary.deliveries} deliveries: ${summary.acknowledged} acknowledged, ${summary.retried} retried, ${summary.failed} failed\n`,
  );
  process.stdout.write("expected attendance (ground truth):\n");
  for (const entry of simulation.groundTruth.byUser) {
    process.stdout.write(`  ${entry.user}: ${(entry.seconds / 60).toFixed(1)} min, ${entry.connections} connection(s)\n`);
  }
  if (summary.failed > 0) {
    const first = summary.failures[0]!;
    throw new Error(`${summary.failed} deliveries failed for good (first: ${first.event} #${first.seq}, ${first.reason})`);
  }
}

function progressLine(p: SendSummary): string {
  return `${p.attempts} attempts, ${p.acknowledged}/${p.deliveries} acknowledged, ${p.retried} retried, ${p.failed} failed`;
}

/**
 * The secret the local service uses: `ZOOM_WEBHOOK_SECRET_TOKEN` (first of a comma-separated list),
 * else the one it generated in its data directory on first start.
 */
function findLocalSecret(config: Config): string {
  const configured = config.webhookSecrets[0];
  if (configured !== undefined) return configured;
  const path = join(config.dataDir, webhookSecretFile);
  try {
    const value = readFileSync(path, "utf8").trim();
    if (value) return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  throw new Error(`no webhook secret: ZOOM_WEBHOOK_SECRET_TOKEN is unset and ${path} does not exist; start the service once (npm start) or pass --secret`);
}

function splitParam(pair: string): [string, string] {
  const at = pair.indexOf("=");
  if (at <= 0) throw new Error(`--param: expected key=value, got ${JSON.stringify(pair)}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function integer(flag: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function positive(flag: string, raw: string): number {
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${flag}: expected a positive number or "max", got ${JSON.stringify(raw)}`);
  return value;
}

function durationMs(flag: string, raw: string): number {
  const seconds = parseDuration(raw.trim());
  if (seconds === undefined || seconds < 0) throw new Error(`${flag}: expected durations like 5m,20m,60m, got ${JSON.stringify(raw)}`);
  return seconds * 1000;
}
