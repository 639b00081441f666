import { startEmulator, type RunningEmulator } from "../../emulator/rest/server.js";
import { ZoomWorld } from "../../emulator/world.js";

export interface EmulatorFlags {
  port: string;
  host: string;
  clientId: string;
  clientSecret: string;
  accountId: string;
  reportDelay: string;
  tokenTtl: string;
  websocketSubscription: string;
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
    websocketSubscriptions: [opts.websocketSubscription],
  });
  process.stdout.write(emulatorRecipe(emulator, opts));
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The banner: the variables that point Rollcall at this emulator, and the first things to do with it. */
function emulatorRecipe(emulator: RunningEmulator, opts: EmulatorFlags): string {
  const owner = emulator.world.owner;
  return [
    `Zoom emulator listening on ${emulator.url} (account ${opts.accountId}, owner ${owner.email}, user id ${owner.id})`,
    "",
    "1. Point Rollcall at it (any SDK key and secret work against the emulator):",
    `   export ZOOM_API_BASE_URL=${emulator.apiBaseUrl} ZOOM_OAUTH_URL=${emulator.url} ZOOM_ACCOUNT_ID=${opts.accountId}`,
    `   export ZOOM_CLIENT_ID=${opts.clientId} ZOOM_CLIENT_SECRET=${opts.clientSecret} ZOOM_SDK_KEY=emulator-sdk-key ZOOM_SDK_SECRET=emulator-sdk-secret`,
    `   # optional, events over Zoom's WebSocket instead of webhooks:`,
    `   export ZOOM_WEBSOCKET_URL=${emulator.websocketUrl} ZOOM_WEBSOCKET_SUBSCRIPTION_ID=${opts.websocketSubscription}`,
    "   npm start",
    "2. Create a meeting with registration (its \"id\" is the meeting number for join links and scenarios):",
    `   curl -s -X POST ${emulator.url}/_emulator/meetings -H 'content-type: application/json' -d '{"topic":"My class"}'`,
    "3. Issue join links (rollcall links issue, or POST /api/v1/join-links), then play a scenario with your users:",
    `   npx rollcall simulate --scenario my-meeting.yaml --emulator ${emulator.url} --speed max   # add --via websocket for the socket`,
    "4. Finalize it from Zoom's participant report (available --report-delay seconds after the end):",
    "   npx rollcall reconcile --instance '<uuid printed by simulate>'",
    "",
    `Faults on demand: curl -X POST ${emulator.url}/_emulator/faults -H 'content-type: application/json' -d '{"kind":"rate_limit","count":2,"retry_after_seconds":1}'`,
    `WebSocket faults: curl -X POST ${emulator.url}/_emulator/websocket/drop (also /silence, /refuse)`,
    "",
  ].join("\n");
}
