import type { Command } from "commander";
import { startEmulator } from "../../emulator/rest/server.js";
import { ZoomWorld } from "../../emulator/world.js";

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
    .action(async (opts: { port: string; host: string; clientId: string; clientSecret: string; accountId: string; reportDelay: string; tokenTtl: string }) => {
      const port = integerOption("--port", opts.port, 0, 65535);
      const reportDelay = integerOption("--report-delay", opts.reportDelay, 0, 86_400);
      const tokenTtl = integerOption("--token-ttl", opts.tokenTtl, 1, 86_400);
      const world = new ZoomWorld({ accountId: opts.accountId, reportDelayMs: reportDelay * 1000 });
      const emulator = await startEmulator({
        world,
        clientId: opts.clientId,
        clientSecret: opts.clientSecret,
        tokenTtlSeconds: tokenTtl,
        port,
        host: opts.host,
      });
      process.stdout.write(
        [
          `Zoom emulator listening on ${emulator.url} (account owner: ${world.owner.email}, user id ${world.owner.id})`,
          "Point Rollcall at it with:",
          `ZOOM_API_BASE_URL=${emulator.apiBaseUrl}`,
          `ZOOM_OAUTH_URL=${emulator.url}`,
          `ZOOM_ACCOUNT_ID=${opts.accountId}`,
          `ZOOM_CLIENT_ID=${opts.clientId}`,
          `ZOOM_CLIENT_SECRET=${opts.clientSecret}`,
          `Faults on demand: curl -X POST ${emulator.url}/_emulator/faults -H 'content-type: application/json' -d '{"kind":"rate_limit","count":2,"retry_after_seconds":1}'`,
          "",
        ].join("\n"),
      );
      const stop = () => void emulator.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return n;
}
