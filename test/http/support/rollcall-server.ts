import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { loadConfig, type ConfigInput } from "../../../src/config/index.js";
import { startRollcall, type RunningRollcall, type StartRollcallOptions } from "../../../src/service/start-rollcall.js";

/** An in-process Rollcall on a free port, with everything it logged and printed kept for assertions. */
export interface TestServer {
  rollcall: RunningRollcall;
  url: string;
  /** Log lines (pino JSON) and printed text so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Rollcall on 127.0.0.1 with a random port, a temporary data dir, and `databaseUrl`. */
export async function startTestServer(
  databaseUrl: string,
  overrides: ConfigInput = {},
  options: Omit<StartRollcallOptions, "logger" | "print" | "handleSignals"> = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-data-"));
  let captured = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      captured += chunk.toString();
      done();
    },
  });
  const config = loadConfig({ env: {}, overrides: { port: 0, host: "127.0.0.1", dataDir, databaseUrl, logLevel: "debug", ...overrides } });
  const rollcall = await startRollcall(config, {
    ...options,
    logger: pino({ level: "debug" }, sink),
    print: (text) => (captured += `${text}\n`),
    handleSignals: false,
  });
  return {
    rollcall,
    url: rollcall.url,
    output: () => captured,
    stop: async () => {
      await rollcall.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
