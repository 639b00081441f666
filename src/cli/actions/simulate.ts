import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, webhookSecretFile, type Config } from "../../config/index.js";
import { applyChaos, type ChaosKind } from "../../emulator/delivery/chaos.js";
import { checkUrlValidation } from "../../emulator/delivery/url-validation-check.js";
import { emulatorAccountId, emulatorRegistrants, recordEndOnEmulator, recordStartOnEmulator, websocketTransport } from "../../emulator/delivery/emulator-client.js";
import { sendDeliveries, ZOOM_RETRY_DELAYS_MS, type DeliveryTransport, type SendSummary } from "../../emulator/delivery/webhook-sender.js";
import { parseDuration } from "../../emulator/scenarios/duration.js";
import { loadScenario } from "../../emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../emulator/simulator/simulate-meeting.js";
import type { ScheduledDelivery, Simulation } from "../../emulator/simulator/simulation-types.js";
import type { Scenario } from "../../emulator/scenarios/scenario-schema.js";

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
  emulator?: string;
  via: string;
  subscription?: string;
}

/** `rollcall simulate`: plays a scenario as Zoom and sends its signed webhooks to a target (or prints them with `--print`). */
export async function runSimulate(opts: SimulateOptions): Promise<void> {
  const { scenario, simulation, deliveries, seed, via, emulator } = await prepareSimulation(opts);
  if (opts.print) return printDeliveries(deliveries);

  // The local service's port and secret, read as `rollcall serve` reads them.
  const config = via === "webhook" && (opts.target === undefined || opts.secret === undefined) ? loadConfig() : undefined;
  const target = via === "websocket" ? `${emulator}/ws (subscription ${opts.subscription ?? "the emulator's only one"})` : (opts.target ?? `http://localhost:${config!.port}/webhooks/zoom`);
  const secret = via === "websocket" ? "" : (opts.secret ?? findLocalSecret(config!));
  const speed = opts.speed === "max" ? "max" : positive("--speed", opts.speed);
  const retryDelaysMs = opts.retryDelays ? opts.retryDelays.split(",").map((d) => durationMs("--retry-delays", d)) : ZOOM_RETRY_DELAYS_MS;
  const timeoutMs = integer("--timeout", opts.timeout, 1);

  if (opts.validate) {
    const result = await checkUrlValidation(target, secret, { timeoutMs, clientId: opts.clientId });
    if (!result.ok) throw new Error(`URL validation against ${target} failed: ${result.reason}`);
    log(`URL validation passed (${result.elapsedMs} ms)`);
  }
  log(
    `${scenario.name ?? opts.scenario}: ${deliveries.length} deliveries for instance ${simulation.instance.uuid} → ${target} (speed ${speed}, seed ${seed})`,
  );
  if (emulator !== undefined) {
    await recordStartOnEmulator(emulator, simulation);
    log(`meeting ${simulation.instance.id} recorded on the emulator under account ${simulation.instance.accountId}`);
  }
  const transport: DeliveryTransport | undefined = via === "websocket" ? websocketTransport(emulator!, opts.subscription) : undefined;
  const summary = await sendDeliveries(deliveries, {
    ...(transport ? { transport, retryDelaysMs: [] } : {}),
    onIdle: ({ at, event, waitMs }) =>
      log(`waiting ${Math.round(waitMs / 1000)} s for the next delivery: ${event} at ${new Date(at).toISOString()} in simulated time (--speed ${speed}; --speed max sends at once)`),
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
  await finish(summary, simulation, via, emulator);
}

/** What a run plays: the scenario as the flags shape it, simulated, with chaos applied; the truth file written. */
interface PreparedSimulation {
  scenario: Scenario;
  simulation: Simulation;
  deliveries: ScheduledDelivery[];
  seed: number;
  via: "webhook" | "websocket";
  /** `--emulator` without a trailing slash. */
  emulator: string | undefined;
}

async function prepareSimulation(opts: SimulateOptions): Promise<PreparedSimulation> {
  const params = Object.fromEntries(opts.param.map((pair) => splitParam(pair)));
  const scenario = loadScenario(opts.scenario, params);
  if (opts.start !== undefined) scenario.meeting.start = startTime(opts.start);
  const seed = integer("--seed", opts.seed, 0);
  const via = door(opts);
  const emulator = opts.emulator?.replace(/\/+$/, "");
  // The account Rollcall is configured for is the emulator's: its reports must be found there.
  if (emulator !== undefined && !opts.print) {
    scenario.account.id = await emulatorAccountId(emulator);
    await useEmulatorRegistrants(emulator, scenario, log);
  }
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
  return { scenario, simulation, deliveries, seed, via, emulator };
}

/** `--start`: an ISO-8601 time, or "now" (to the second). */
function startTime(raw: string): string {
  const start = raw === "now" ? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() : raw;
  if (Number.isNaN(Date.parse(start))) throw new Error(`--start: expected an ISO-8601 time or "now", got ${JSON.stringify(raw)}`);
  return start;
}

/** `--print`: the deliveries as JSON lines, nothing sent. */
function printDeliveries(deliveries: readonly ScheduledDelivery[]): void {
  // `… --print | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  for (const d of deliveries) {
    process.stdout.write(JSON.stringify({ at: new Date(d.at).toISOString(), seq: d.seq, ...(d.note ? { note: d.note } : {}), body: d.body }) + "\n");
  }
}

/** After sending: the tally, the meeting's end on the emulator, the ground truth; fails if a delivery failed for good. */
async function finish(summary: SendSummary, simulation: Simulation, via: PreparedSimulation["via"], emulator: string | undefined): Promise<void> {
  process.stdout.write(
    `sent ${summary.attempts} requests for ${summary.deliveries} deliveries: ${summary.acknowledged} acknowledged, ${summary.retried} retried, ${summary.failed} failed` +
      (via === "websocket" ? `, ${summary.lost} lost (no open connection; reconciliation repairs them)` : "") +
      "\n",
  );
  if (emulator !== undefined) {
    const recorded = await recordEndOnEmulator(emulator, simulation);
    process.stdout.write(`participant report (${recorded.reportRows} rows) available on the emulator from ${recorded.reportAvailableAt}: rollcall reconcile --instance '${simulation.instance.uuid}'\n`);
  }
  writeGroundTruth(simulation.groundTruth);
  if (summary.failed > 0) {
    const first = summary.failures[0]!;
    throw new Error(`${summary.failed} deliveries failed for good (first: ${first.event} #${first.seq}, ${first.reason})`);
  }
}

function log(line: string): void {
  process.stderr.write(`simulate: ${line}\n`);
}

/** The ground truth as Rollcall counts it: sessions (a bound phone leg is not one), and who never got in. */
function writeGroundTruth(truth: Simulation["groundTruth"]): void {
  process.stdout.write("expected attendance (ground truth; a phone leg bound to a computer counts in its session):\n");
  for (const entry of truth.byUser) {
    if (entry.connections === 0) continue;
    process.stdout.write(`  ${entry.user}: ${(entry.seconds / 60).toFixed(1)} min, ${entry.connections} session(s)\n`);
  }
  const never = truth.byUser.filter((entry) => entry.connections === 0).map((entry) => entry.user);
  if (never.length > 0) process.stdout.write(`  not admitted (waiting room only, or never joined; no attendance): ${never.join(", ")}\n`);
}

/**
 * A registered guest without a `registrantId` joins as the registrant the emulator holds for its
 * e-mail on the meeting (the one `rollcall links issue --kind registrant` made for that user).
 */
async function useEmulatorRegistrants(emulator: string, scenario: Scenario, log: (line: string) => void): Promise<void> {
  const guests = scenario.participants.filter((p) => p.kind === "registered_guest" && p.registrantId === undefined);
  if (guests.length === 0) return;
  const registrants = await emulatorRegistrants(emulator, scenario.meeting.number);
  for (const guest of guests) {
    if (guest.kind !== "registered_guest") continue;
    const id = registrants.get(guest.email.toLowerCase());
    if (id !== undefined) guest.registrantId = id;
    else log(`${guest.id}: no registrant with e-mail ${guest.email} on meeting ${scenario.meeting.number} in the emulator (run \`rollcall links issue --kind registrant\` for that user first); joining with a new registrant id`);
  }
}

/** `--via`: webhook (default) or websocket, which goes through the emulator. */
function door(opts: SimulateOptions): "webhook" | "websocket" {
  if (opts.via !== "webhook" && opts.via !== "websocket") throw new Error(`--via: expected webhook or websocket, got ${JSON.stringify(opts.via)}`);
  if (opts.via === "websocket" && opts.emulator === undefined) throw new Error("--via websocket: needs --emulator <url> (events go through the emulator's event WebSocket)");
  return opts.via;
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
