/**
 * `ROLLCALL_PRIVACY=hash` through real signed HTTP: the ingest hook stores stripped (hashed, marked)
 * bodies, reconciliation stores stripped report rows, and the pipeline must read both as stored, so
 * e-mails are hashed exactly once and still match the users' hashed e-mails. Then `reprocess` must
 * give the same result. On SQLite and PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config/index.js";
import { importUsers } from "../../src/directory/index.js";
import { reprocess, type PipelineWorker } from "../../src/pipeline/index.js";
import { pipelineOptionsFromConfig, pipelineWorkerFromConfig } from "../../src/service/pipeline-from-config.js";
import { reportInboxEvent } from "../../src/reconcile/index.js";
import { startRollcall, type RunningRollcall } from "../../src/service/start-rollcall.js";
import { inboxEventFor } from "../../src/ingest/index.js";
import { insertInboxEvents } from "../../src/store/inbox/index.js";
import { hashEmail } from "../../src/zoom/events/index.js";
import { createBodyPreparer, privacySettingsFromConfig } from "../../src/zoom/privacy/index.js";
import { eachDatabase } from "../support/databases.js";
import { derivedSnapshot } from "./support/derived-snapshot.js";
import { testSecret } from "./support/start-test-rollcall.js";
import { iso, postSigned, zoomMeeting } from "./support/zoom-webhooks.js";
import { minutesFrom } from "../support/clock.js";

const min = 60_000;
const t0 = Date.UTC(2026, 2, 10, 15, 0, 0);
const at = minutesFrom(t0);
const meeting = { accountId: "ACCT-HASH", uuid: "hashUUID/e2e+1==", id: "85077788899", topic: "Hashed sync", hostId: "HOSThash01", start: t0 };
const z = zoomMeeting(meeting);
const blank = { user_name: "", email: "", id: "", participant_user_id: "", registrant_id: "", customer_key: "" };
// Resolved by e-mail only (different case than the imported one): the webhook path.
const dana = { ...blank, user_id: "16778240", participant_uuid: "D0000000-0000-4000-8000-000000000001", user_name: "Dana Example", email: "Dana.Example@Mail.test" };
const walkin = { ...blank, user_id: "16778241", participant_uuid: "W0000000-0000-4000-8000-000000000001", user_name: "Walk In" };
const stream = [z.started(), z.joined(dana, at(0)), z.joined(walkin, at(1)), z.left(walkin, at(20)), z.left(dana, at(45)), z.ended(at(60))];
// Only Zoom's participant report knows Omar (the webhooks were lost): the reconciliation path.
const omarRow = { id: "", user_id: "16778242", participant_uuid: "O0000000-0000-4000-8000-000000000001", name: "Omar Reported", user_email: "OMAR@corp.test", join_time: iso(at(5)), leave_time: iso(at(35)) };
const users = [
  { externalId: "dana", email: "dana.example@mail.test", name: "Dana Example" },
  { externalId: "omar", email: "omar@corp.test", name: "Omar Reported" },
];

eachDatabase("pipeline: privacy hash hashes names and e-mails exactly once", (database) => {
  let config: Config;
  let rollcall: RunningRollcall;
  let worker: PipelineWorker;

  beforeAll(async () => {
    config = loadConfig({
      env: {},
      overrides: {
        port: 0,
        host: "127.0.0.1",
        databaseUrl: database().url,
        webhookSecrets: [testSecret],
        privacy: "hash",
        dataDir: mkdtempSync(join(tmpdir(), "rollcall-hash-")),
        logLevel: (process.env["ROLLCALL_TEST_LOG"] ?? "silent") as "silent",
      },
    });
    const settings = privacySettingsFromConfig(config);
    worker = pipelineWorkerFromConfig(config);
    rollcall = await startRollcall(config, { workers: [worker], prepareBodyForStorage: createBodyPreparer(settings), handleSignals: false, print: () => {} });
    await importUsers(rollcall.store.db, users, { accountId: "*", privacy: settings });
    for (const body of stream) await postSigned(rollcall.url, testSecret, body);
    // What reconciliation stores for a report row under `hash`: stripped the same way, marked.
    const context = { accountId: meeting.accountId, instanceUuid: meeting.uuid, meetingId: meeting.id, product: "meeting" as const, endpoint: "report" as const, fetchedAt: at(90) };
    const stored = reportInboxEvent(omarRow, omarRow, context);
    stored.body = createBodyPreparer(settings)(stored.body, JSON.parse(stored.body));
    await insertInboxEvents(rollcall.store.db, [{ event: stored, deliveries: 1 }]);
    await worker.idle();
  });
  afterAll(async () => {
    await rollcall?.stop();
  });

  const db = () => rollcall.store.db;
  const attendance = async () =>
    (await db().selectFrom("attendance").select(["user_id", "resolved_by", "source", "attended_ms"]).where("instance_uuid", "=", meeting.uuid).orderBy("user_id").execute()).map((r) => ({ ...r }));

  it("stores only hashes in the inbox", async () => {
    const bodies = (await db().selectFrom("inbox_events").select(["body", "status"]).execute()).map((r) => ({ ...r }));
    expect(bodies).toHaveLength(stream.length + 1);
    expect(bodies.every((r) => r.status === "done")).toBe(true);
    for (const { body } of bodies) {
      expect(body).not.toMatch(/dana|omar|mail\.test|corp\.test/i);
      expect(JSON.parse(body)).toHaveProperty("rollcall_privacy", "hash");
    }
  });

  it("resolves webhook and report participants by e-mail to the imported users", async () => {
    expect(await attendance()).toEqual([
      { user_id: "dana", resolved_by: "email", source: "webhook", attended_ms: 45 * min },
      // Known from report evidence only: the method is e-mail, the source says `report`.
      { user_id: "omar", resolved_by: "email", source: "report", attended_ms: 30 * min },
    ]);
    const methods = await db().selectFrom("session_resolutions").select(["user_id", "method"]).where("instance_uuid", "=", meeting.uuid).where("user_id", "is not", null).orderBy("user_id").execute();
    expect(methods.map((r) => ({ ...r }))).toEqual([
      { user_id: "dana", method: "email" },
      { user_id: "omar", method: "email" },
    ]);
    const { hashKey } = privacySettingsFromConfig(config);
    const identifiers = await db().selectFrom("session_identifiers").select(["value"]).where("field", "=", "email").execute();
    // Hashed once: the stored identifier is exactly the keyed hash of the e-mail, as the users' links are.
    expect(identifiers.map((r) => r.value).sort()).toEqual([hashEmail("dana.example@mail.test", hashKey!), hashEmail("omar@corp.test", hashKey!)].sort());
  });

  it("hashes bodies stored raw before hash mode was switched on, when the pipeline reads them", async () => {
    // What a server in `store` mode kept: Zoom's bytes, unmarked, names and e-mails in clear.
    const earlier = { ...meeting, uuid: "hashUUID/raw+2==", start: at(-1440) };
    const raw = zoomMeeting(earlier);
    const eve = { ...blank, user_id: "16778250", participant_uuid: "E0000000-0000-4000-8000-000000000001", user_name: "Dana Example", email: "DANA.example@mail.test" };
    const bodies = [raw.started(), raw.joined(eve, at(-1440)), raw.left(eve, at(-1410)), raw.ended(at(-1380))];
    const events = bodies.map((body) => inboxEventFor(JSON.stringify(body), body, { headers: {}, receivedAt: at(-1380) }));
    expect(events.map((e) => e.body).join("")).toContain("Dana Example");
    await insertInboxEvents(db(), events.map((event) => ({ event, deliveries: 1 })));
    await worker.idle();

    const { hashKey } = privacySettingsFromConfig(config);
    const identifiers = await db().selectFrom("session_identifiers").select(["field", "value"]).where("instance_uuid", "=", earlier.uuid).execute();
    expect(identifiers.find((i) => i.field === "email")?.value).toBe(hashEmail("dana.example@mail.test", hashKey!));
    const derived = JSON.stringify(await derivedSnapshot(db()));
    expect(derived).not.toMatch(/dana example|mail\.test/i);
    const resolved = await db().selectFrom("attendance").select(["user_id", "resolved_by"]).where("instance_uuid", "=", earlier.uuid).execute();
    expect(resolved.map((r) => ({ ...r }))).toEqual([{ user_id: "dana", resolved_by: "email" }]);
  });

  it("gives the same result after reprocess", async () => {
    const before = await derivedSnapshot(db());
    await worker.stop();
    await reprocess(rollcall.store, pipelineOptionsFromConfig(config));
    expect(await derivedSnapshot(db())).toEqual(before);
    expect((await attendance()).map((a) => a.user_id)).toEqual(["dana", "omar"]);
  });
});
