import { afterEach, beforeEach } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../src/emulator/rest/server.js";
import { ZoomWorld, type ZoomReportRow } from "../../../src/emulator/world.js";
import { ZoomApiClient, type ZoomApiClientOptions } from "../../../src/zoom/api/client.js";
import type { Clock } from "../../../src/zoom/api/clock.js";

export const CREDENTIALS = { accountId: "acct-test-0001", clientId: "client-id-test", clientSecret: "s3cret-value-never-logged" };

/**
 * A clock shared by the emulator and the client: `sleep` records the delay and moves time forward
 * at once, so retries, token expiry and page-token expiry run without waiting.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public ms = Date.UTC(2026, 0, 1, 9, 0, 0)) {}
  now = () => this.ms;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.ms += ms;
  };
  advance(ms: number) {
    this.ms += ms;
  }
}

/** A running emulator on a random port with a fresh world, and a client pointed at it. */
export interface Harness {
  clock: FakeClock;
  world: ZoomWorld;
  emulator: RunningEmulator;
  client(options?: ZoomApiClientOptions & { clientSecret?: string }): ZoomApiClient;
}

/** Starts one emulator per test (real HTTP on 127.0.0.1) and closes it afterwards. */
export function useEmulator(options: { tokenTtlSeconds?: number; reportDelayMs?: number } = {}): Harness {
  const harness = {} as Harness;
  beforeEach(async () => {
    const clock = new FakeClock();
    const world = new ZoomWorld({ accountId: CREDENTIALS.accountId, now: clock.now, reportDelayMs: options.reportDelayMs ?? 0 });
    const emulator = await startEmulator({
      world,
      clientId: CREDENTIALS.clientId,
      clientSecret: CREDENTIALS.clientSecret,
      ...(options.tokenTtlSeconds !== undefined ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    });
    Object.assign(harness, {
      clock,
      world,
      emulator,
      client: (opts: ZoomApiClientOptions & { clientSecret?: string } = {}) =>
        new ZoomApiClient(
          {
            accountId: CREDENTIALS.accountId,
            clientId: CREDENTIALS.clientId,
            clientSecret: opts.clientSecret ?? CREDENTIALS.clientSecret,
            apiBaseUrl: emulator.apiBaseUrl,
            oauthUrl: emulator.url,
          },
          { clock, random: () => 0.5, ...opts },
        ),
    });
  });
  afterEach(async () => {
    await harness.emulator.close();
  });
  return harness;
}

/** `count` report rows shaped like Zoom's, one join session each, with distinct user ids. */
export function reportRows(count: number, start = "2026-01-01T09:00:00Z"): ZoomReportRow[] {
  const t0 = Date.parse(start);
  return Array.from({ length: count }, (_, i) => ({
    id: "",
    user_id: String(16778240 + i * 1024),
    name: `Guest ${i}`,
    user_email: `guest${i}@example.test`,
    join_time: new Date(t0 + i * 1000).toISOString().replace(".000", ""),
    leave_time: new Date(t0 + 3600_000).toISOString().replace(".000", ""),
    duration: 3600 - i,
    registrant_id: `reg${i}`,
    customer_key: `ck${i}`,
    participant_user_id: "",
    status: "in_meeting",
    failover: false,
  }));
}
