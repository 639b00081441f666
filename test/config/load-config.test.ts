import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ensureGeneratedSecret, loadConfig } from "../../src/config/index.js";

describe("loadConfig", () => {
  it("runs with zero configuration on SQLite in ./data", () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({ port: 3000, dataDir: "./data", privacy: "store", webhookSecrets: [], webhookToleranceSeconds: 300, bodyLimitBytes: 1048576, requestTimeoutSeconds: 30 });
    expect(config.databaseUrl).toMatch(/^sqlite:.*data[/\\]rollcall\.db$/);
  });

  it("reads the contract's environment variables", () => {
    const config = loadConfig({
      env: { PORT: "8080", DATABASE_URL: "postgres://x@h/db", ZOOM_WEBHOOK_SECRET_TOKEN: "new, old", ROLLCALL_PRIVACY: "hash", ZOOM_CLIENT_ID: "cid" },
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: "postgres://x@h/db", webhookSecrets: ["new", "old"], privacy: "hash" });
    expect(config.zoom.clientId).toBe("cid");
    expect(config.zoom.apiBaseUrl).toBe("https://api.zoom.us/v2");
  });

  it.each([
    [{ PORT: "http" }, /^PORT \(port\): /],
    [{ ROLLCALL_PRIVACY: "maybe" }, /^ROLLCALL_PRIVACY \(privacy\): .*store.*hash.*drop/],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL \(databaseUrl\): expected sqlite:<path> or postgres/],
    [{ ROLLCALL_NAME_PATTERN: "(\\d+)" }, /^ROLLCALL_NAME_PATTERN \(namePattern\): expected a regular expression with a named group/],
    [{ ROLLCALL_ZOOM_APPS: "{not json" }, /^ROLLCALL_ZOOM_APPS: expected JSON/],
    // A typo must not silently fall back to a generated secret.
    [{ ZOOM_WEBHOOK_SECRET_TOKEN: "," }, /^ZOOM_WEBHOOK_SECRET_TOKEN: expected comma-separated non-empty secret tokens/],
    [{ ZOOM_WEBHOOK_SECRET_TOKEN: "new,,old" }, /^ZOOM_WEBHOOK_SECRET_TOKEN: expected comma-separated non-empty/],
    [{ ROLLCALL_REQUEST_TIMEOUT_SECONDS: "0" }, /^ROLLCALL_REQUEST_TIMEOUT_SECONDS \(requestTimeoutSeconds\): /],
  ])("names the variable of a bad value: %o", (env, message) => {
    expect(() => loadConfig({ env })).toThrowError(ConfigError);
    expect(() => loadConfig({ env })).toThrowError(message);
  });

  it("lets flags win over the environment", () => {
    expect(loadConfig({ env: { PORT: "8080" }, overrides: { port: 9090 } }).port).toBe(9090);
  });
});

describe("ensureGeneratedSecret", () => {
  it("creates a private secret once and returns the same one afterwards", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "rollcall-secret-")), "nested");
    const first = ensureGeneratedSecret(dir, "zoom-webhook-secret");
    const second = ensureGeneratedSecret(dir, "zoom-webhook-secret");
    expect(first.created).toBe(true);
    expect(second).toEqual({ value: first.value, created: false });
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(join(dir, "zoom-webhook-secret"), "utf8").trim()).toBe(first.value);
    expect(statSync(join(dir, "zoom-webhook-secret")).mode & 0o777).toBe(0o600);
  });
});
