import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { spawnServer } from "./support/child-server.js";
import { joinedBody, post, signedDelivery } from "./support/signed-delivery.js";
import { rollcallCli } from "../support/rollcall-cli.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

eachDatabase("rollcall serve lifecycle", (database) => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "rollcall-life-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("`rollcall migrate` applies the schema, then reports it up to date", async () => {
    const env = { PATH: process.env["PATH"] ?? "", DATABASE_URL: database().url };
    const first = await run(process.execPath, [...rollcallCli, "migrate"], { cwd: root, env });
    expect(first.stdout).toMatch(/applied 0001-inbox/);
    const second = await run(process.execPath, [...rollcallCli, "migrate"], { cwd: root, env });
    expect(second.stdout).toMatch(/is up to date/);
  });

  it("first start without a secret generates one and prints it once with the endpoint URL; later starts do not", async () => {
    const env = { DATABASE_URL: database().url, ROLLCALL_DATA_DIR: dataDir, ROLLCALL_PUBLIC_URL: "https://rollcall.example.com/" };
    const first = await spawnServer(env);
    const secret = readFileSync(join(dataDir, "zoom-webhook-secret"), "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(24);
    expect(first.output()).toContain(`Secret Token:  ${secret}`);
    expect(first.output()).toContain("Endpoint URL:  https://rollcall.example.com/webhooks/zoom (also http://127.0.0.1:");
    // One webhook URL per line, the local one only as "also".
    const mentions = first.output().split("\n").filter((l) => !l.startsWith("{") && /https?:\/\/\S*\/webhooks\/zoom/.test(l));
    expect(mentions).toHaveLength(2);
    for (const line of mentions) expect(line.replace(/ \(also http:\/\/127\.0\.0\.1:\d+\/webhooks\/zoom\)/, "").match(/\/webhooks\/zoom/g)).toHaveLength(1);
    expect(mentions.at(-1)).toMatch(/Zoom webhook endpoint: https:\/\/rollcall\.example\.com\/webhooks\/zoom \(also http:\/\/127\.0\.0\.1:\d+\/webhooks\/zoom\)\)$/);
    // The value is printed, never logged: no pino (JSON) line carries it.
    for (const line of first.output().split("\n").filter((l) => l.startsWith("{"))) expect(line).not.toContain(secret);
    // And it is the secret deliveries are verified with.
    expect((await post(first.url, signedDelivery(secret, joinedBody()))).status).toBe(200);
    first.process.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await spawnServer(env);
    expect(second.output()).not.toContain(secret);
    expect(second.output()).toContain("using the webhook secret generated earlier");
    expect((await post(second.url, signedDelivery(secret, joinedBody()))).status).toBe(200);
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("--role ingest exits 0 on SIGTERM after storing deliveries (nothing but the inbox's commit thread is left to wait for)", { timeout: 60_000 }, async () => {
    const secret = "ingest-role-secret";
    const server = await spawnServer({ DATABASE_URL: database().url, ROLLCALL_DATA_DIR: dataDir, ZOOM_WEBHOOK_SECRET_TOKEN: secret }, ["--role", "ingest"]);
    for (let i = 0; i < 20; i++) expect((await post(server.url, signedDelivery(secret, joinedBody()))).status).toBe(200);
    server.process.kill("SIGTERM");
    expect(await server.exited, server.output()).toBe(0);
    expect(server.output()).toContain("rollcall stopped");
    expect(server.output()).not.toContain("unsettled top-level await");
  });

  it("stops at a bad value with one line naming the variable", async () => {
    await expect(spawnServer({ DATABASE_URL: database().url, ROLLCALL_DATA_DIR: dataDir, ROLLCALL_WEBHOOK_TOLERANCE_SECONDS: "soon" })).rejects.toThrow(
      /rollcall: ROLLCALL_WEBHOOK_TOLERANCE_SECONDS/,
    );
  });

  it("on SIGTERM finishes in-flight requests (each acknowledged only after commit), then exits 0", { timeout: 60_000 }, async () => {
    const secret = "graceful-secret";
    const server = await spawnServer({ DATABASE_URL: database().url, ROLLCALL_DATA_DIR: dataDir, ZOOM_WEBHOOK_SECRET_TOKEN: secret });
    const answered: Array<{ body: string; status: number }> = [];
    let exited = false;
    void server.exited.then(() => (exited = true));
    const senders = Array.from({ length: 16 }, async () => {
      while (!exited) {
        const body = joinedBody();
        const response = await post(server.url, signedDelivery(secret, body)).catch(() => ({ status: 0 }));
        answered.push({ body, status: response.status });
      }
    });
    while (answered.filter((a) => a.status === 200).length < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    server.process.kill("SIGTERM");
    expect(await server.exited, server.output()).toBe(0);
    await Promise.all(senders);
    expect(server.output()).toContain("rollcall stopped");

    // Every request got 200, 503 (closing) or a refused connection: nothing else, nothing hanging.
    for (const { status } of answered) expect([0, 200, 503]).toContain(status);
    const acknowledged = answered.filter((a) => a.status === 200).map((a) => a.body);
    const store = await openDatabase(database().url);
    try {
      const stored = new Set((await store.db.selectFrom("inbox_events").select("body").execute()).map((r) => r.body));
      expect(acknowledged.filter((body) => !stored.has(body))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
