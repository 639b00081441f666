/**
 * The README's "Play a meeting of your own users", step by step, as a newcomer runs it: the
 * emulator's banner gives the variables, `rollcall serve` runs with them, the users and their
 * join links are made with the CLI, `simulate --emulator` plays examples/my-meeting.yaml, and
 * `rollcall reconcile` finalizes the instance from the emulator's participant report.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/store/index.js";
import { rollcallCli, runRollcall } from "../support/rollcall-cli.js";
import { stopServeProcesses } from "../support/serve-process.js";

const root = join(import.meta.dirname, "..", "..");
const meeting = "81234567890";
let emulator: ChildProcess;
let serve: ChildProcess;
let env: NodeJS.ProcessEnv;
let emulatorUrl: string;
let dataDir: string;

/** Runs one `rollcall` command as the README writes it (from the repository, with the exports). */
const rollcall = (args: string[]) => runRollcall(args, { env });

/** Starts a long-running command and resolves with it and its output once `ready` matches. */
function startUntil(args: string[], ready: RegExp, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [...rollcallCli, ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.on("exit", (code) => reject(new Error(`${args[0]} exited with ${code}:\n${output}`)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-recipe-"));
  env = { ...process.env, ROLLCALL_DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: "warn" };
  for (const key of Object.keys(env)) if (key.startsWith("ZOOM_")) delete env[key];
  // 1. The emulator, whose banner holds the exports.
  const started = await startUntil(["emulator", "--port", "0", "--report-delay", "2"], /npm start/);
  emulator = started.child;
  emulatorUrl = /listening on (http:\/\/[\d.:]+)/.exec(started.output)![1]!;
  for (const line of started.output.split("\n").filter((l) => l.trim().startsWith("export "))) {
    for (const pair of line.trim().slice("export ".length).split(/\s+/)) {
      const [key, value] = pair.split("=") as [string, string];
      env[key] = value;
    }
  }
  delete env["ZOOM_WEBSOCKET_URL"];
  delete env["ZOOM_WEBSOCKET_SUBSCRIPTION_ID"];
  // 2. Rollcall pointed at it.
  serve = (await startUntil(["serve", "--host", "127.0.0.1"], /Rollcall listening on/)).child;
}, 240_000);

afterAll(async () => {
  await stopServeProcesses([serve, emulator].filter((c): c is ChildProcess => c !== undefined));
});

it("plays a meeting of the newcomer's own users and finalizes it from Zoom's report", async () => {
  expect(env["ZOOM_ACCOUNT_ID"]).toBe("emulator-account-id");
  expect(env["ZOOM_SDK_KEY"]).toBeDefined();

  // 3. A meeting with registration, the users, their join links.
  const created = await fetch(`${emulatorUrl}/_emulator/meetings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ number: meeting, topic: "My class" }) });
  expect(created.status).toBe(201);
  expect((await rollcall(["users", "import", "examples/my-users.json"])).code).toBe(0);
  for (const user of ["u-ana", "u-ben", "u-raj"]) {
    const issued = await rollcall(["links", "issue", "--meeting", meeting, "--kind", "registrant", "--user", user]);
    expect(issued.stderr).toBe("");
    expect(issued.stdout).toMatch(new RegExp(`^${user}\\tregistrant_id=`));
  }
  const sdk = await rollcall(["links", "issue", "--meeting", meeting, "--kind", "sdk", "--user", "u-ines"]);
  expect(sdk.stdout).toMatch(/^u-ines\tcustomer_key=ck-interp-ines\t/);

  // The meeting, recorded in the emulator with its report.
  const simulated = await rollcall(["simulate", "--scenario", "examples/my-meeting.yaml", "--emulator", emulatorUrl, "--speed", "max"]);
  expect(simulated.stderr).not.toMatch(/no registrant with e-mail/);
  expect(simulated.code).toBe(0);
  const uuid = /rollcall reconcile --instance '([^']+)'/.exec(simulated.stdout)![1]!;
  const truth = Object.fromEntries([...simulated.stdout.matchAll(/^ {2}(\S+): ([\d.]+) min, (\d+) session/gm)].map((m) => [m[1], { minutes: Number(m[2]), sessions: Number(m[3]) }]));
  expect(Object.keys(truth).sort()).toEqual(["host-teacher", "u-ana", "u-ben", "u-ines"]);

  const read = async () => JSON.parse((await rollcall(["attendance", "--instance", uuid, "--format", "json"])).stdout) as {
    instance: { status: string };
    attendees: Array<{ externalId: string; status: string; attendedSeconds: number; sessions: number; resolvedBy: string | null }>;
  };
  let report = await read();
  for (let i = 0; i < 50 && report.attendees.filter((a) => a.sessions > 0).length < 4; i++) report = await read();
  const byUser = Object.fromEntries(report.attendees.map((a) => [a.externalId, a]));
  for (const [user, expected] of Object.entries(truth)) {
    expect({ user, minutes: byUser[user]!.attendedSeconds / 60, sessions: byUser[user]!.sessions }).toEqual({ user, ...expected });
  }
  expect(byUser["u-ana"]!.resolvedBy).toBe("registrant_id");
  expect(byUser["u-ben"]!.resolvedBy).toBe("registrant_id");
  expect(byUser["u-ines"]!.resolvedBy).toBe("customer_key");
  expect(byUser["u-raj"]).toMatchObject({ status: "absent", sessions: 0 });

  // 4. Zoom's report, merged: the instance is finalized and the app hears so.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const reconciled = await rollcall(["reconcile", "--instance", uuid]);
  expect(reconciled.code).toBe(0);
  expect(reconciled.stdout).toMatch(/finalized|already finalized/);
  expect((await read()).instance.status).toBe("finalized");
  const store = await openDatabase(`sqlite:${join(dataDir, "rollcall.db")}`);
  try {
    const finalized = await store.db.selectFrom("notify_events").select("type").where("instance_uuid", "=", uuid).where("type", "=", "instance.finalized").execute();
    expect(finalized).toHaveLength(1);
  } finally {
    await store.close();
  }
}, 300_000);
