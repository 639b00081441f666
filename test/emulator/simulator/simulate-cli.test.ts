import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";
import { runRollcall, type CliResult } from "../../support/rollcall-cli.js";


/** `rollcall simulate` with `args`, without a webhook secret from the environment unless given. */
function rollcall(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const cleanEnv = { ...process.env, ...env };
  if (!("ZOOM_WEBHOOK_SECRET_TOKEN" in env)) delete cleanEnv.ZOOM_WEBHOOK_SECRET_TOKEN;
  return runRollcall(["simulate", ...args], { env: cleanEnv });
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function collector(secret: string) {
  const bodies: string[] = [];
  let badSignatures = 0;
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const ts = req.headers["x-zm-request-timestamp"];
      const expected = "v0=" + createHmac("sha256", secret).update(`v0:${ts}:${raw}`).digest("hex");
      if (req.headers["x-zm-signature"] !== expected) badSignatures++;
      const body = JSON.parse(raw);
      if (body.event === "endpoint.url_validation") {
        const token = body.payload.plainToken;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ plainToken: token, encryptedToken: createHmac("sha256", secret).update(token).digest("hex") }));
        return;
      }
      bodies.push(raw);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhooks/zoom`, bodies, bad: () => badSignatures };
}

describe("rollcall simulate", () => {
  it("--print writes the stream as NDJSON, identical to the library's", async () => {
    const { code, stdout } = await rollcall(["--scenario", "classroom", "--print", "--speed", "max"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    const sim = simulateMeeting(loadScenario("classroom"), { seed: 1 });
    expect(lines.map((l) => l.body)).toEqual(sim.deliveries.map((d) => d.body));
    expect(lines[0].at).toBe(new Date(sim.deliveries[0]!.at).toISOString());
  });

  it("sends signed webhooks to the target with the secret from the local data dir, after URL validation", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rollcall-sim-"));
    writeFileSync(join(dataDir, "zoom-webhook-secret"), "local-generated-secret\n");
    const target = await collector("local-generated-secret");
    const truth = join(dataDir, "truth.json");
    const { code, stdout, stderr } = await rollcall(
      ["--scenario", "webinar-at-scale", "--param", "attendees=20", "--target", target.url, "--speed", "max", "--validate", "--truth", truth],
      { ROLLCALL_DATA_DIR: dataDir },
    );
    expect(stderr).toMatch(/URL validation passed/);
    expect(code).toBe(0);
    const sim = simulateMeeting(loadScenario("webinar-at-scale", { attendees: "20" }), { seed: 1 });
    expect(target.bodies).toEqual(sim.deliveries.map((d) => JSON.stringify(d.body)));
    expect(target.bad()).toBe(0);
    expect(stdout).toMatch(new RegExp(`sent ${sim.deliveries.length} requests for ${sim.deliveries.length} deliveries: ${sim.deliveries.length} acknowledged, 0 retried, 0 failed`));
    expect(JSON.parse(readFileSync(truth, "utf8")).groundTruth.byUser).toHaveLength(24);
  });

  it("prefers ZOOM_WEBHOOK_SECRET_TOKEN (first of the list) and applies chaos reproducibly", async () => {
    const target = await collector("first");
    const args = ["--scenario", "flaky-network", "--target", target.url, "--speed", "max", "--chaos", "drop", "--chaos-rate", "0.5", "--seed", "3"];
    const run = await rollcall(args, { ZOOM_WEBHOOK_SECRET_TOKEN: "first,second" });
    expect(run.code).toBe(0);
    expect(target.bad()).toBe(0);
    const all = simulateMeeting(loadScenario("flaky-network"), { seed: 3 }).deliveries.length;
    expect(target.bodies.length).toBeLessThan(all);
    const printed = await rollcall([...args, "--print"]);
    expect(printed.stdout.trim().split("\n").map((l) => JSON.stringify(JSON.parse(l).body))).toEqual(target.bodies);
  });

  it("fails clearly without a secret, and exits non-zero when deliveries fail for good", async () => {
    const empty = mkdtempSync(join(tmpdir(), "rollcall-sim-"));
    const noSecret = await rollcall(["--scenario", "classroom", "--speed", "max"], { ROLLCALL_DATA_DIR: empty });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/no webhook secret: .*start the service once \(npm start\) or pass --secret/);

    server = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
    const failing = await rollcall(["--scenario", "flaky-network", "--target", url, "--secret", "s", "--speed", "max", "--retry-delays", "1s"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/0 acknowledged, \d+ retried, \d+ failed/);
    expect(failing.stderr).toMatch(/deliveries failed for good/);
  });

  it("names the scenario field in validation errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollcall-sim-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "meeting: { number: 1, topic: T, start: x, duration: 60 }\nend: { at: 1h }\nparticipants: []\n");
    const { code, stderr } = await rollcall(["--scenario", file, "--print"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/meeting\.number: expected a meeting number of 9 to 12 digits/);
    expect(stderr).toMatch(/meeting\.start/);
    expect(stderr).toMatch(/participants/);
  });
});
