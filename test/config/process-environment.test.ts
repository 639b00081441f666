/**
 * One place reads the process environment: src/config. Everything else gets a Config, so an
 * embedding app that passes `env: {}` really gets a Rollcall the process environment cannot touch.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createRollcall } from "../../src/index.js";

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.[cm]?[jt]s$/.test(name) ? [path] : [];
  });
}

/** Values that would change (or break) Rollcall if anything but the given env were read. */
const hostile = {
  PORT: "not-a-port",
  ROLLCALL_PRIVACY: "hash",
  ZOOM_WEBHOOK_SECRET_TOKEN: "from-the-process",
  ZOOM_ACCOUNT_ID: "acct",
  ZOOM_CLIENT_ID: "cid",
  ZOOM_CLIENT_SECRET: "csecret",
  ROLLCALL_RECONCILE_DELAY_SECONDS: "soon",
  ROLLCALL_RECONCILE_IDLE_SECONDS: "never",
  ROLLCALL_SYNTHETIC_EMAIL_DOMAIN: "process.example",
};

describe("the process environment", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is read only in src/config (and the bin entry, outside src/)", () => {
    const readers = sourceFiles(join(root, "src"))
      .map((file) => relative(root, file).split("\\").join("/"))
      .filter((file) => !file.startsWith("src/config/"))
      .filter((file) => /\bprocess\.env\b/.test(readFileSync(join(root, file), "utf8")));
    expect(readers).toEqual([]);
  });

  it("is ignored by loadConfig({ env: {} })", () => {
    const clean = loadConfig({ env: {} });
    for (const [name, value] of Object.entries(hostile)) vi.stubEnv(name, value);
    expect(loadConfig({ env: {} })).toEqual(clean);
    // …and read when no env is given, as `rollcall serve` does.
    expect(() => loadConfig()).toThrow(/^PORT \(port\)/);
  });

  it("is ignored by createRollcall({ env: {} }), its workers included", async () => {
    for (const [name, value] of Object.entries(hostile)) vi.stubEnv(name, value);
    const dataDir = mkdtempSync(join(tmpdir(), "rollcall-env-"));
    const rollcall = await createRollcall({
      env: {},
      config: { port: 0, host: "127.0.0.1", dataDir, webhookSecrets: ["given"], logLevel: "silent" },
      print: () => {},
    });
    try {
      expect(rollcall.config).toMatchObject({ privacy: "store", webhookSecrets: ["given"], reconcile: { delaySeconds: 300, idleSeconds: 43_200 } });
      expect(rollcall.config.zoom.clientId).toBeUndefined();
      expect(rollcall.config.syntheticEmailDomain).toBeUndefined();
    } finally {
      await rollcall.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
