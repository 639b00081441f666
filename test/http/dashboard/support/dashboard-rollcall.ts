/**
 * A real Rollcall service (HTTP, inbox, pipeline worker, dashboard) on a fresh database, filled
 * with a simulated class from the emulator and a live meeting, for the dashboard's browser tests.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { createApiKey } from "../../../../src/api-keys/index.js";
import { DEFAULT_ACCOUNT, importUsers } from "../../../../src/directory/index.js";
import { loadScenario } from "../../../../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../../../src/emulator/simulator/simulate-meeting.js";
import { loadConfig } from "../../../../src/config/index.js";
import { serviceWorkers, startRollcall, type RunningRollcall } from "../../../../src/service/index.js";
import { countPendingInboxEvents } from "../../../../src/store/inbox/index.js";
import { privacySettingsFromConfig } from "../../../../src/zoom/privacy/index.js";
import { postAll, postSigned, zoomMeeting } from "../../../pipeline/support/zoom-webhooks.js";

const secret = "dashboard-test-secret-token";

/** Builds the front end from `web/` into a temporary folder (the test checks today's source, not a stale build). */
export async function buildWeb(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "rollcall-web-"));
  await build({ configFile: fileURLToPath(new URL("../../../../web/vite.config.ts", import.meta.url)), build: { outDir, emptyOutDir: true }, logLevel: "error" });
  return outDir;
}

export interface DashboardRollcall {
  rollcall: RunningRollcall;
  url: string;
  writeKey: string;
  readKey: string;
  /** The simulated class (ended) and the live meeting. */
  classUuid: string;
  liveUuid: string;
  /** The emulator's own answer for the class: seconds per app user. */
  classTruth: Array<{ user: string; seconds: number }>;
  /** Posts more live-meeting events (signed, as Zoom does). */
  post(body: unknown): Promise<void>;
  liveMeeting: ReturnType<typeof zoomMeeting>;
  /** Waits until the pipeline has applied every stored event and re-resolution. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The classroom users, except that Esi's e-mail differs from the one she joins with: her session
 * stays unresolved, with her name as the clue, which is what the review queue is for.
 */
export const classroomUsers = [
  { externalId: "teacher-001", name: "Ms Rivera", email: "rivera@school.example.com" },
  { externalId: "student-ana", name: "Ana Silva", email: "ana.silva@example.com" },
  { externalId: "student-ben", name: "Ben Okafor", email: "ben.okafor@example.com" },
  { externalId: "student-chloe", name: "Chloe Dubois", email: "chloe.dubois@example.com" },
  { externalId: "student-esi", name: "Esi Mensah", email: "esi.mensah@school-mail.example.org" },
];

/** Starts the service on `databaseUrl` and fills it: users, two API keys, the classroom, a live meeting. */
export async function startDashboardRollcall(databaseUrl: string, webRoot: string): Promise<DashboardRollcall> {
  const config = loadConfig({
    env: {},
    overrides: { port: 0, host: "127.0.0.1", databaseUrl, webhookSecrets: [secret], dataDir: mkdtempSync(join(tmpdir(), "rollcall-dashboard-")), logLevel: (process.env["ROLLCALL_TEST_LOG"] ?? "silent") as "silent" },
  });
  const rollcall = await startRollcall(config, { workers: serviceWorkers(config), handleSignals: false, print: () => {}, webRoot });
  const db = rollcall.store.db;
  await importUsers(db, classroomUsers, { accountId: DEFAULT_ACCOUNT, privacy: privacySettingsFromConfig(config) });
  const writeKey = (await createApiKey(db, { name: "coordinator", scope: "write" })).key;
  const readKey = (await createApiKey(db, { name: "observer", scope: "read" })).key;

  const settle = async (): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pending = await countPendingInboxEvents(db);
      const marked = await db.selectFrom("instances").select("instance_uuid").where("needs_resolve", "=", 1).execute();
      if (pending === 0 && marked.length === 0) return;
      if (Date.now() > deadline) throw new Error(`pipeline did not settle: ${pending} pending, ${marked.length} marked`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const mark = (what: string): void => void (process.env["DASH_TIMING"] && console.log(what, Date.now()));
  mark("started");
  const sim = simulateMeeting(loadScenario("classroom"), { seed: 1 });
  // Rollcall gives the same answer whatever the order: post several at once, like Zoom does.
  await postAll([rollcall.url], secret, sim.deliveries.map((d) => d.body), 8);

  mark("class posted");
  // A meeting under way: started ten minutes ago, three people in, one of them unknown.
  const start = Date.now() - 10 * 60_000;
  const liveMeeting = zoomMeeting({ accountId: sim.instance.accountId, uuid: "LiVeMeEtInG+/dashboard==", id: "85550001111", topic: "Staff meeting (live)", hostId: "host-live", start });
  const post = async (body: unknown): Promise<void> => void (await postSigned(rollcall.url, secret, body));
  await post(liveMeeting.started());
  await post(liveMeeting.joined({ user_id: "16778240", participant_uuid: "7A1B2C3D-0000-4000-8000-000000000001", user_name: "Ms Rivera", email: "rivera@school.example.com", id: "" }, start + 30_000));
  await post(liveMeeting.joined({ user_id: "16778241", participant_uuid: "7A1B2C3D-0000-4000-8000-000000000002", user_name: "Ana Silva", email: "ana.silva@example.com", id: "" }, start + 90_000));
  await post(liveMeeting.joined({ user_id: "16778242", participant_uuid: "7A1B2C3D-0000-4000-8000-000000000003", user_name: "Guest 4711", email: "", id: "" }, start + 120_000));
  mark("live posted");
  await settle();
  mark("settled");

  return {
    rollcall,
    url: rollcall.url,
    writeKey,
    readKey,
    classUuid: sim.instance.uuid,
    liveUuid: "LiVeMeEtInG+/dashboard==",
    classTruth: sim.groundTruth.byUser.map(({ user, seconds }) => ({ user, seconds })),
    post,
    liveMeeting,
    settle,
    stop: () => rollcall.stop(),
  };
}

/** A service with one write key and nothing else (SQLite), for the empty states. */
export async function startEmptyRollcall(webRoot: string): Promise<{ url: string; writeKey: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-dashboard-empty-"));
  const config = loadConfig({ env: {}, overrides: { port: 0, host: "127.0.0.1", databaseUrl: `sqlite:${join(dataDir, "rollcall.db")}`, webhookSecrets: [secret], dataDir, logLevel: "silent" } });
  const rollcall = await startRollcall(config, { workers: serviceWorkers(config), handleSignals: false, print: () => {}, webRoot });
  const writeKey = (await createApiKey(rollcall.store.db, { name: "newcomer", scope: "write" })).key;
  return { url: rollcall.url, writeKey, stop: () => rollcall.stop() };
}
