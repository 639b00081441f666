import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { DEFAULT_RECONCILE_SETTINGS, reconcileSettingsFromConfig } from "../../src/reconcile/index.js";

const settings = (env: Record<string, string>) => reconcileSettingsFromConfig(loadConfig({ env }));

describe("reconcile settings from the configuration", () => {
  it("default to 5 min delay, 1 min first retry, 24 h deadline, 12 h idle", () => {
    expect(DEFAULT_RECONCILE_SETTINGS).toEqual({ delayMs: 300_000, retryMs: 60_000, maxRetryMs: 1_800_000, deadlineMs: 86_400_000, idleMs: 43_200_000 });
    expect(settings({})).toEqual(DEFAULT_RECONCILE_SETTINGS);
    expect(settings({ ROLLCALL_RECONCILE_IDLE_SECONDS: " " }).idleMs).toBe(12 * 3_600_000);
  });

  it("read ROLLCALL_RECONCILE_*_SECONDS, the idle time never below one second", () => {
    expect(settings({ ROLLCALL_RECONCILE_DELAY_SECONDS: "120", ROLLCALL_RECONCILE_RETRY_SECONDS: "0", ROLLCALL_RECONCILE_DEADLINE_SECONDS: "3600" })).toMatchObject({
      delayMs: 120_000,
      retryMs: 1,
      deadlineMs: 3_600_000,
    });
    expect(settings({ ROLLCALL_RECONCILE_IDLE_SECONDS: "7200" }).idleMs).toBe(7_200_000);
    expect(settings({ ROLLCALL_RECONCILE_IDLE_SECONDS: "0" }).idleMs).toBe(1000);
    // A config file or flags set them too, as reconcile.* keys.
    expect(reconcileSettingsFromConfig(loadConfig({ env: {}, overrides: { reconcile: { delaySeconds: 7 } } })).delayMs).toBe(7000);
  });

  it("name the variable when it is not a number of seconds", () => {
    expect(() => settings({ ROLLCALL_RECONCILE_IDLE_SECONDS: "soon" })).toThrow(ConfigError);
    expect(() => settings({ ROLLCALL_RECONCILE_IDLE_SECONDS: "soon" })).toThrow(/^ROLLCALL_RECONCILE_IDLE_SECONDS \(reconcile\.idleSeconds\): expected a number of seconds/);
    expect(() => settings({ ROLLCALL_RECONCILE_DELAY_SECONDS: "-5" })).toThrow(/^ROLLCALL_RECONCILE_DELAY_SECONDS \(reconcile\.delaySeconds\): expected zero or more seconds/);
  });
});
