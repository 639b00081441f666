import type { Command } from "commander";
import type { SimulateOptions } from "../actions/simulate.js";
import { CHAOS_KINDS } from "../../emulator/delivery/chaos.js";
import { SHIPPED_SCENARIOS } from "../../emulator/scenarios/shipped-scenarios.js";

/**
 * `rollcall simulate`: plays a scenario as Zoom and sends its signed webhooks to Rollcall (or,
 * with `--print`, writes them as NDJSON to stdout).
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command("simulate")
    .description("Play a Zoom meeting scenario: send its signed webhooks to a target, as Zoom would.")
    .requiredOption("--scenario <name|path>", `shipped scenario (${SHIPPED_SCENARIOS.join(", ")}) or a .json/.yaml file`)
    .option("--target <url>", "webhook URL (default http://localhost:${PORT:-3000}/webhooks/zoom)")
    .option("--secret <token>", "webhook secret token (default ZOOM_WEBHOOK_SECRET_TOKEN, else the local service's generated one)")
    .option("--speed <n|max>", "simulated seconds per real second, or max", "1")
    .option("--seed <n>", "seed for ids, timings and chaos", "1")
    .option("--chaos <kinds>", `comma-separated delivery trouble: ${CHAOS_KINDS.join(",")}`)
    .option("--chaos-rate <p>", "probability that each delivery is affected by each chaos kind", "0.1")
    .option("--validate", "first run Zoom's URL validation handshake against the target")
    .option("--print", "write the delivery stream as NDJSON to stdout instead of sending it")
    .option("--param <key=value>", "scenario parameter or field override (repeatable)", collect, [])
    .option("--start <iso|now>", "move the meeting's start (default: the scenario's)")
    .option("--retry-delays <list>", "simulated delays before each retry, e.g. 5m,20m,60m (Zoom's)")
    .option("--timeout <ms>", "an answer slower than this counts as failed", "3000")
    .option("--concurrency <n>", "requests in flight at once (1 keeps the order)", "1")
    .option("--client-id <id>", "value of the clientid header", "emulator-client-id")
    .option("--progress-every <n>", "print a progress line every n attempts", "50")
    .option("--truth <file>", "also write the ground truth and the participant report as JSON to this file")
    .option("--emulator <url>", "a running `rollcall emulator` (e.g. http://127.0.0.1:9100): the meeting and its participant report are recorded there, under its account, so `rollcall reconcile` can finalize it")
    .option("--via <door>", "how events reach Rollcall: webhook (signed POSTs to --target) or websocket (through the emulator's event WebSocket; needs --emulator)", "webhook")
    .option("--subscription <id>", "with --via websocket: the emulator's subscription id (default: its only one)")
    .action(async (opts: SimulateOptions) => (await import("../actions/simulate.js")).runSimulate(opts));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
