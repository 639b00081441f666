import type { Command } from "commander";
import type { EmulatorFlags } from "../actions/emulator.js";

/** Well-known development credentials: the emulator is a local fake, these protect nothing. */
const DEFAULTS = { clientId: "emulator-client-id", clientSecret: "emulator-client-secret", accountId: "emulator-account-id" };

/**
 * `rollcall emulator`: starts the Zoom REST emulator and prints the environment lines that point
 * Rollcall at it. Runs until interrupted.
 */
export function registerEmulatorCommand(program: Command): void {
  program
    .command("emulator")
    .description("Run a local Zoom REST emulator (S2S OAuth, meetings, registrants, reports) for development and tests.")
    .option("--port <port>", "port to listen on", "9100")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--client-id <id>", "S2S OAuth client id the emulator accepts", DEFAULTS.clientId)
    .option("--client-secret <secret>", "S2S OAuth client secret the emulator accepts", DEFAULTS.clientSecret)
    .option("--account-id <id>", "Zoom account id of the emulated account", DEFAULTS.accountId)
    .option("--report-delay <seconds>", "seconds after a meeting ends before its reports are available", "60")
    .option("--token-ttl <seconds>", "lifetime of issued access tokens", "3600")
    .option("--websocket-subscription <id>", "WebSockets Event Subscription id its event socket accepts", "emulator-subscription")
    .action(async (opts: EmulatorFlags) => (await import("../actions/emulator.js")).runEmulator(opts));
}
