/**
 * `rollcall reconcile` and `rollcall links issue` as a user runs them (child processes on a SQLite
 * file), against the Zoom emulator over HTTP.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulation } from "../../src/emulator/simulator/simulation-types.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startZoomAndRollcall, type ZoomAndRollcall } from "./support/zoom-and-rollcall.js";
import { rollcallCli } from "../support/rollcall-cli.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

describe("rollcall reconcile and rollcall links issue (CLI)", () => {
  let database: TestDatabase;
  let env: ZoomAndRollcall;
  let sim: Simulation;
  let meetingId: string;
  let zoomEnv: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    env = await startZoomAndRollcall(database.url);
    meetingId = String(env.world.createMeeting("me", { topic: "CLI class", type: 2, settings: { approval_type: 0 } }).id);
    await env.importUsers([{ externalId: "u-kim", customerKeys: ["ckKim0000000000000001"], name: "Kim" }]);
    sim = env.simulate({
      meeting: { number: meetingId, topic: "CLI class", start: "2026-05-04T08:00:00Z", duration: 30 },
      account: { id: env.world.accountId },
      end: { at: "30m" },
      participants: [{ id: "kim", user: "u-kim", kind: "sdk", name: "Kim", customerKey: "ckKim0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "11m", deliver: { drop: true } }] }],
    });
    await env.deliver(sim.deliveries);
    zoomEnv = { ZOOM_ACCOUNT_ID: env.world.accountId, ZOOM_CLIENT_ID: "emulatedClientId", ZOOM_CLIENT_SECRET: "emulatedClientSecret", ZOOM_API_BASE_URL: env.emulator.apiBaseUrl, ZOOM_OAUTH_URL: env.emulator.url };
  });
  afterAll(async () => {
    await env?.stop();
    await database?.drop();
  });

  const cli = (args: string[], extra: Record<string, string> = {}) =>
    run(process.execPath, [...rollcallCli, ...args, "--database-url", database.url], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...extra } });

  it("says which Zoom variables are missing", async () => {
    const failure = await cli(["reconcile"]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET/);
  });

  it("reconciles an instance, prints the differences, and skips it the second time", async () => {
    const { stdout } = await cli(["reconcile", "--instance", sim.instance.uuid], zoomEnv);
    expect(stdout).toContain(`${sim.instance.uuid}  finalized from report: 1 rows (1 new)`);
    expect(stdout).toContain("attendance  u-kim: 1740 -> 600 s");
    const again = await cli(["reconcile", "--from", "2026-05-01", "--to", "2026-06-01", "--json"], zoomEnv);
    expect(JSON.parse(again.stdout)).toEqual([expect.objectContaining({ instanceUuid: sim.instance.uuid, result: "skipped", reconciliation: expect.objectContaining({ state: "finalized" }) })]);
    const attendance = JSON.parse((await cli(["attendance", "--instance", sim.instance.uuid])).stdout);
    expect(attendance.instance.status).toBe("finalized");
    expect(attendance.attendees).toEqual([expect.objectContaining({ externalId: "u-kim", attendedSeconds: 600 })]);
  });

  it("issues a registrant link and a name token as JSON", async () => {
    const registrant = JSON.parse((await cli(["links", "issue", "--user", "u-kim", "--meeting", meetingId, "--kind", "registrant", "--json"], zoomEnv)).stdout);
    expect(registrant).toEqual([expect.objectContaining({ externalId: "u-kim", method: "registrant_id", created: true, joinUrl: expect.stringMatching(/^https:\/\//) })]);
    expect(env.world.findRegistrant(meetingId, registrant[0].value)).toBeDefined();
    const token = JSON.parse((await cli(["links", "issue", "--user", "u-kim", "--meeting", meetingId, "--kind", "name-token", "--json"])).stdout);
    expect(token[0].displayName).toMatch(/^Kim \[rc:[a-z0-9]+\]$/);
    const missing = await cli(["links", "issue", "--user", "u-kim", "--meeting", meetingId, "--kind", "sdk"]).then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    expect(missing?.stderr).toMatch(/ZOOM_SDK_KEY, ZOOM_SDK_SECRET/);
  });

  it("leaves a rate-limited instance scheduled for Zoom's retry time and says so, instead of failing it", async () => {
    const limited = env.simulate({
      meeting: { number: meetingId, topic: "CLI class", start: "2026-05-05T08:00:00Z", duration: 30 },
      account: { id: env.world.accountId },
      end: { at: "30m" },
      participants: [{ id: "kim", user: "u-kim", kind: "sdk", name: "Kim", customerKey: "ckKim0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "11m", deliver: { drop: true } }] }],
    });
    await env.deliver(limited.deliveries);
    const uuid = limited.instance.uuid;
    // A daily limit two hours away: far beyond what the client sleeps for, so the command gets the 429.
    const retryAt = new Date(Math.ceil((Date.now() + 2 * 3_600_000) / 1000) * 1000);
    const row = () => env.rollcall.store.db.selectFrom("reconciliations").select(["state", "due_at", "attempts", "last_error"]).where("instance_uuid", "=", uuid).executeTakeFirstOrThrow();
    try {
      env.emulator.controls.rateLimitNext(1, { date: retryAt }, "Daily");
      const { stdout } = await cli(["reconcile", "--instance", uuid], zoomEnv);
      expect(env.emulator.controls.pendingFaults).toBe(0);
      expect(stdout).toContain(`${uuid}  rate_limited: `);
      // The client turns the Retry-After date into a delay and back, reading its clock twice: allow a few ms.
      const said = Date.parse(/due again at (\S+) /.exec(stdout)?.[1] ?? "");
      expect(said - retryAt.getTime()).toBeGreaterThanOrEqual(0);
      expect(said - retryAt.getTime()).toBeLessThan(1000);
      expect(await row()).toMatchObject({ state: "scheduled", attempts: 1 });
      expect(Number((await row()).due_at)).toBe(said);

      env.emulator.controls.rateLimitNext(1, { date: retryAt }, "Daily");
      const json = JSON.parse((await cli(["reconcile", "--instance", uuid, "--json"], zoomEnv)).stdout);
      expect(json).toEqual([expect.objectContaining({ instanceUuid: uuid, result: "rate_limited", reason: expect.stringContaining("due again at"), reconciliation: expect.objectContaining({ state: "scheduled", attempts: 2 }) })]);
      expect(Date.parse(json[0].reconciliation.dueAt) - retryAt.getTime()).toBeGreaterThanOrEqual(0);
      expect(Date.parse(json[0].reconciliation.dueAt) - retryAt.getTime()).toBeLessThan(1000);
    } finally {
      env.emulator.controls.clearFaults();
    }
    // Once Zoom answers again, the same instance reconciles as usual.
    const { stdout } = await cli(["reconcile", "--instance", uuid], zoomEnv);
    expect(stdout).toContain(`${uuid}  finalized from report: 1 rows (1 new)`);
    expect(await row()).toMatchObject({ state: "finalized", attempts: 3 });
  });

  it("exits 1 when Zoom refuses an instance (bad credentials), names it, and --json says which", async () => {
    const refused = env.simulate({
      meeting: { number: meetingId, topic: "CLI class", start: "2026-05-06T08:00:00Z", duration: 30 },
      account: { id: env.world.accountId },
      end: { at: "30m" },
      participants: [{ id: "kim", user: "u-kim", kind: "sdk", name: "Kim", customerKey: "ckKim0000000000000001", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "11m" }] }],
    });
    await env.deliver(refused.deliveries);
    const uuid = refused.instance.uuid;
    const badSecret = { ...zoomEnv, ZOOM_CLIENT_SECRET: "not-the-secret" };
    const failure = (args: string[]) =>
      cli(args, badSecret).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const text = await failure(["reconcile", "--instance", uuid]);
    expect(text?.code).toBe(1);
    expect(text?.stdout).toContain(`${uuid}  failed: `);
    expect(text?.stderr).toBe(`rollcall: reconcile: 1 instance(s) failed: ${uuid}\n`);
    const json = await failure(["reconcile", "--instance", uuid, "--json"]);
    expect(json?.code).toBe(1);
    expect(JSON.parse(json!.stdout)).toEqual([expect.objectContaining({ instanceUuid: uuid, result: "failed", reason: expect.stringContaining("invalid_client") })]);
    // With the right credentials the same instance reconciles, and the command succeeds.
    const { stdout } = await cli(["reconcile", "--instance", uuid], zoomEnv);
    expect(stdout).toContain(`${uuid}  finalized from report`);
  });
});
