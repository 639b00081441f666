/**
 * Privacy modes end to end: bodies prepared by the ingest hook, users imported, the real pipeline
 * run; then every column of every table (found by introspection) is scanned for names and e-mails.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPipeline } from "../../../src/pipeline/index.js";
import { importUsers, learnRegistrants, listUsers, loadLinks } from "../../../src/directory/index.js";
import { attendanceReport } from "../../../src/reports/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../../src/store/index.js";
import { hashEmail } from "../../../src/zoom/events/index.js";
import { createBodyPreparer, normaliseOptionsForStoredBody, type PrivacySettings } from "../../../src/zoom/privacy/index.js";
import { eachDatabase } from "../../support/databases.js";
import { meetingEvents, minute, participant, storeInInbox } from "../../directory/support/meeting-events.js";
import { minutesFrom } from "../../support/clock.js";

const t0 = Date.UTC(2026, 1, 3, 14, 0, 0);
const at = minutesFrom(t0);
const meeting = { accountId: "ACCT-PRIV", uuid: "priv/inst+1==", meetingId: "86011122233", topic: "Weekly sync", start: t0 };
const z = meetingEvents(meeting);
const dana = participant({ user_id: "16778240", participant_uuid: "D0000000-0000-4000-8000-000000000001", user_name: "Dana Example", email: "Dana.Example@mail.test", registrant_id: "reg-dana" });
const omar = participant({ user_id: "16778241", participant_uuid: "O0000000-0000-4000-8000-000000000001", user_name: "Omar Staffer", email: "omar.staffer@corp.test", id: "ZUomar", participant_user_id: "ZUomar" });
const pia = participant({ user_id: "16778242", participant_uuid: "P0000000-0000-4000-8000-000000000001", user_name: "Pia Phoneguest", phone_number: "+4930555123" });
const stream = [
  z.started(),
  z.registration({ id: "reg-dana", email: "Dana.Example@mail.test", first_name: "Dana", last_name: "Example" }, at(-30)),
  z.joined(dana, at(0)),
  z.joined(omar, at(1)),
  z.joined(pia, at(2)),
  z.left(pia, at(30)),
  z.left(dana, at(55)),
  z.left(omar, at(58)),
  z.ended(at(60)),
];
const users = [
  { externalId: "dana", email: "dana.example@mail.test", name: "Dana Example" },
  { externalId: "omar", email: "omar.staffer@corp.test", name: "Omar Staffer", zoomUserIds: ["ZUomar"] },
];
/** Every personal value of the scenario, in the forms it could be stored. */
const personal = ["Dana Example", "dana.example", "Omar Staffer", "omar.staffer", "Staffer", "Pia Phoneguest", "Phoneguest", "mail.test", "corp.test", "4930555123", "203.0.113.10", "10.0.0.23", "Example Road", "Example GmbH"];

async function everyCell(db: RollcallDatabase): Promise<Array<{ table: string; column: string; value: string }>> {
  const cells: Array<{ table: string; column: string; value: string }> = [];
  const tables = (await db.db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(["inbox_events", "participant_sessions", "session_identifiers", "directory_users", "directory_links", "attendance"]));
  for (const table of tables) {
    const rows = (await db.db.selectFrom(table as "inbox_events").selectAll().execute()) as Array<Record<string, unknown>>;
    for (const row of rows) for (const [column, value] of Object.entries(row)) if (value !== null) cells.push({ table, column, value: String(value) });
  }
  return cells;
}

async function runScenario(url: string, settings: PrivacySettings): Promise<RollcallDatabase> {
  const db = await openDatabase(url);
  await migrateToLatest(db);
  await importUsers(db.db, users, { accountId: "*", privacy: settings });
  await storeInInbox(db, stream, createBodyPreparer(settings));
  // Every stored body carries the stripped marker, so it is read as stored (hashes are not hashed again).
  const sample = JSON.parse((await db.db.selectFrom("inbox_events").select("body").executeTakeFirstOrThrow()).body);
  await createPipeline(db, { loadLinks, onRegistrations: learnRegistrants, normalise: normaliseOptionsForStoredBody(sample, settings) }).runUntilIdle();
  return db;
}

eachDatabase("privacy drop: no name or e-mail anywhere in the database", (database) => {
  let db: RollcallDatabase;
  beforeAll(async () => {
    db = await runScenario(database().url, { privacy: "drop" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("keeps attendance by identifiers that are not personal data", async () => {
    const report = await attendanceReport(db.db, meeting.uuid);
    expect(report?.attendees.map((a) => [a.externalId, a.resolvedBy, a.attendedSeconds])).toEqual([["omar", "zoom_user_id", 57 * 60]]);
    expect(report?.unresolved.map((u) => [u.userName, u.attendedSeconds])).toEqual([
      [null, 55 * 60],
      [null, 28 * 60],
    ]);
    expect((await listUsers(db.db, "*")).map((u) => [u.externalId, u.email, u.name])).toEqual([["dana", null, null], ["omar", null, null]]);
  });

  it("finds no name, e-mail, phone number or address in any column of any table", async () => {
    const cells = await everyCell(db);
    expect(cells.length).toBeGreaterThan(50);
    const leaks = cells.filter((c) => c.value.includes("@") || personal.some((p) => c.value.toLowerCase().includes(p.toLowerCase())));
    expect(leaks).toEqual([]);
  });
});

eachDatabase("privacy hash: only keyed hashes, and e-mail matching still works", (database) => {
  const settings: PrivacySettings = { privacy: "hash", hashKey: "test-hash-key-0123456789" };
  let db: RollcallDatabase;
  beforeAll(async () => {
    db = await runScenario(database().url, settings);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("resolves by hashed e-mail and learns registrants from hashed registration e-mails", async () => {
    const report = await attendanceReport(db.db, meeting.uuid);
    const by = Object.fromEntries(report!.attendees.map((a) => [a.externalId, a.resolvedBy]));
    // Dana: the registration's hashed e-mail matched her hashed e-mail, teaching reg-dana (stronger than e-mail).
    expect(by).toEqual({ dana: "registrant_id", omar: "zoom_user_id" });
    const stored = await listUsers(db.db, "*");
    expect(stored.find((u) => u.externalId === "dana")?.email).toBe(hashEmail("dana.example@mail.test", settings.hashKey!));
  });

  it("stores no clear name or e-mail anywhere", async () => {
    const leaks = (await everyCell(db)).filter((c) => c.value.includes("@") || personal.some((p) => c.value.toLowerCase().includes(p.toLowerCase())));
    expect(leaks).toEqual([]);
  });
});
