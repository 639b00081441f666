import { startEmulator } from "../../emulator/rest/server.js";
import { ZoomWorld } from "../../emulator/world.js";

export interface EmulatorFlags {
  port: string;
  host: string;
  clientId: string;
  clientSecret: string;
  accountId: string;
  reportDelay: string;
  tokenTtl: string;
}

/** `rollcall emulator`: starts the Zoom REST emulator, prints the environment lines that point Rollcall at it, runs until interrupted. */
export async function runEmulator(opts: EmulatorFlags): Promise<void> {
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
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return n;
}
