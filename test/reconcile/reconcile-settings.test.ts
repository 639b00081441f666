import { describe, expect, it } from "vitest";
import { DEFAULT_RECONCILE_SETTINGS, reconcileSettingsFromEnv } from "../../src/reconcile/index.js";

describe("reconcileSettingsFromEnv: the idle time of live instances", () => {
  it("defaults to 12 h", () => {
    expect(DEFAULT_RECONCILE_SETTINGS.idleMs).toBe(12 * 3_600_000);
    expect(reconcileSettingsFromEnv({}).idleMs).toBe(12 * 3_600_000);
    expect(reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_IDLE_SECONDS: " " }).idleMs).toBe(12 * 3_600_000);
  });

  it("reads ROLLCALL_RECONCILE_IDLE_SECONDS, never below one second", () => {
    expect(reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_IDLE_SECONDS: "7200" }).idleMs).toBe(7_200_000);
    expect(reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_IDLE_SECONDS: "0" }).idleMs).toBe(1000);
  });

  it("names the variable when it is not a number of seconds", () => {
    expect(() => reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_IDLE_SECONDS: "soon" })).toThrow(/ROLLCALL_RECONCILE_IDLE_SECONDS: expected a number of seconds/);
    expect(() => reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_IDLE_SECONDS: "-5" })).toThrow(/ROLLCALL_RECONCILE_IDLE_SECONDS: expected zero or more seconds/);
  });
});
