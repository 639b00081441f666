/**
 * Users and links in the store, through the real pipeline (inbox → normaliser → engine → derived
 * tables) and the attendance read model, on SQLite and PostgreSQL. Expected figures are worked out
 * by hand from the event times below.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPipeline, type Pipeline } from "../../src/pipeline/index.js";
import { importUsers, learnRegistrants, linkSessionManually, listLinks, listUsers, loadLinks, parseUserCsv } from "../../src/directory/index.js";
import { attendanceReport, meetingRollup, type AttendanceReport } from "../../src/reports/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { meetingEvents, minute, participant, storeInInbox } from "./support/meeting-events.js";
import { rollcallCli } from "../support/rollcall-cli.js";
import { minutesFrom } from "../support/clock.js";

const run = promisify(execFile);
const store = { privacy: "store" as const };
const t0 = Date.UTC(2026, 0, 20, 9, 0, 0);
const at = minutesFrom(t0);
const M = "85099887766";
const first = { accountId: "ACCT-DIR", uuid: "inst1/dir+A==", meetingId: M, topic: "Cohort 9 – Week 1", start: t0 };
const second = { ...first, uuid: "inst2/dir+B==", topic: "Cohort 9 – Week 2", start: t0 + 7 * 24 * 60 * minute };
const z1 = meetingEvents(first);
const z2 = meetingEvents(second);

const ana = participant({ user_id: "16778240", participant_uuid: "A0000000-0000-4000-8000-000000000001", user_name: "Ana Attendee", registrant_id: "reg-ana" });
const ben = participant({ user_id: "16778241", participant_uuid: "B0000000-0000-4000-8000-000000000001", user_name: "Ben Mailer", email: "Ben@Example.test" });
// Meeting SDK join on a blank-name account: only the customer key tells who.
const cara = participant({ user_id: "16778242", participant_uuid: "C0000000-0000-4000-8000-000000000001", customer_key: "ck-cara" });
const ivan = participant({ user_id: "16778243", participant_uuid: "I0000000-0000-4000-8000-000000000001", user_name: "John 123456 (Spanish Interpreter)" });
const hana = participant({ user_id: "16778244", participant_uuid: "H0000000-0000-4000-8000-000000000001", user_name: "Hana Registered", registrant_id: "reg-hana" });
const frank = participant({ user_id: "16778245", participant_uuid: "F0000000-0000-4000-8000-000000000001", user_name: "Frank Walkin" });
const lena = participant({ user_id: "16778246", participant_uuid: "L0000000-0000-4000-8000-000000000001", user_name: "Lena Late", customer_key: "ck-late" });

const firstStream = [
  z1.started(),
  z1.registration({ id: "reg-hana", email: "hana@example.test", first_name: "Hana", last_name: "Registered" }, at(-60)),
  z1.joined(ana, at(0)),
  z1.joined(ivan, at(0)),
  z1.joined(cara, at(1)),
  z1.joined(hana, at(2)),
  z1.joined(lena, at(3)),
  z1.joined(frank, at(5)),
  z1.joined(ben, at(12)),
  z1.left(ivan, at(20)),
  z1.left(cara, at(40)),
  z1.left(frank, at(50)),
  z1.left(lena, at(57)),
  z1.left(ben, at(58)),
  z1.left(ana, at(59)),
  z1.left(hana, at(59)),
  z1.ended(at(60)),
];

const users = [
  { externalId: "ana", email: "ana@example.test", name: "Ana Attendee", registrants: [{ meetingId: M, registrantId: "reg-ana" }] },
  { externalId: "ben", email: "ben@example.test", name: "Ben Mailer" },
  { externalId: "cara", customerKeys: ["ck-cara"] },
  { externalId: "gina", registrants: [{ meetingId: M, registrantId: "reg-gina" }] },
  { externalId: "hana", email: "Hana@Example.test" },
  { externalId: "ivan", nameTokens: ["123456"] },
];

const statusOf = (report: AttendanceReport | undefined, externalId: string) => report?.attendees.find((a) => a.externalId === externalId);

eachDatabase("directory: users, links, expected attendees and statuses through the pipeline", (database) => {
  let db: RollcallDatabase;
  let pipeline: Pipeline;

  beforeAll(async () => {
    db = await openDatabase(database().url);
    await migrateToLatest(db);
    const imported = await importUsers(db.db, parseUserCsv(toCsv(users), "users.csv"), { accountId: "*", privacy: store });
    expect(imported).toMatchObject({ created: 6, updated: 0 });
    pipeline = createPipeline(db, { loadLinks, onRegistrations: learnRegistrants, engine: { namePattern: /^\S+ (?<token>\d+) \(.+ Interpreter\)$/ } });
    await storeInInbox(db, firstStream);
    await pipeline.runUntilIdle();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("gives every attendee a status, and expected users who never came zero time and absent", async () => {
    const report = await attendanceReport(db.db, first.uuid);
    expect(report?.instance).toEqual({ uuid: first.uuid, meetingId: M, topic: first.topic, startTime: "2026-01-20T09:00:00Z", endTime: "2026-01-20T10:00:00Z", status: "ended", possiblyIncomplete: false, gaps: [] });
    expect(statusOf(report, "ana")).toMatchObject({ status: "present", attendedSeconds: 59 * 60, resolvedBy: "registrant_id", source: "webhook", sessions: 1, firstJoin: "2026-01-20T09:00:00Z", lastLeave: "2026-01-20T09:59:00Z" });
    expect(statusOf(report, "ben")).toMatchObject({ status: "late", attendedSeconds: 46 * 60, resolvedBy: "email" });
    expect(statusOf(report, "cara")).toMatchObject({ status: "left_early", attendedSeconds: 39 * 60, resolvedBy: "customer_key" });
    expect(statusOf(report, "ivan")).toMatchObject({ status: "partial", attendedSeconds: 20 * 60, resolvedBy: "name_token" });
    expect(statusOf(report, "gina")).toEqual({
      externalId: "gina",
      status: "absent",
      attendedSeconds: 0,
      firstJoin: null,
      lastLeave: null,
      asOf: null,
      sessions: 0,
      resolvedBy: null,
      source: null,
      confidence: null,
      closedByMeetingEnd: false,
    });
    expect(report?.unresolved.map((u) => [u.userName, u.attendedSeconds])).toEqual([
      ["Frank Walkin", 45 * 60],
      ["Lena Late", 54 * 60],
    ]);
  });

  it("learns a registrant link from registration_created when the e-mail is a known user's", async () => {
    const report = await attendanceReport(db.db, first.uuid);
    expect(statusOf(report, "hana")).toMatchObject({ status: "present", resolvedBy: "registrant_id", attendedSeconds: 57 * 60 });
    const learned = await listLinks(db.db, first.accountId, { externalId: "hana", method: "registrant_id" });
    expect(learned.map((l) => [l.value, l.scope, l.source])).toEqual([["reg-hana", M, "learned"]]);
  });

  it("re-resolves past instances after an import adds a link", async () => {
    const result = await importUsers(db.db, [{ externalId: "lena", customerKeys: ["ck-late"] }], { accountId: "*", privacy: store });
    expect(result.reresolvedInstances).toEqual([first.uuid]);
    await pipeline.runUntilIdle();
    const report = await attendanceReport(db.db, first.uuid);
    expect(statusOf(report, "lena")).toMatchObject({ status: "present", resolvedBy: "customer_key", attendedSeconds: 54 * 60 });
    expect(report?.unresolved.map((u) => u.userName)).toEqual(["Frank Walkin"]);
  });

  it("a manual link of an unresolved guest changes only that session", async () => {
    await importUsers(db.db, [{ externalId: "frank" }], { accountId: "*", privacy: store });
    const before = (await attendanceReport(db.db, first.uuid))!;
    const session = before.unresolved[0]!.sessionKey;
    expect(await linkSessionManually(db.db, { instanceUuid: first.uuid, sessionKey: session, externalId: "frank" })).toEqual([first.uuid]);
    await pipeline.runUntilIdle();
    const after = (await attendanceReport(db.db, first.uuid))!;
    expect(after.unresolved).toEqual([]);
    expect(statusOf(after, "frank")).toMatchObject({ resolvedBy: "manual", source: "manual", confidence: 1, attendedSeconds: 45 * 60, status: "left_early" }); // joined at exactly the 5 minutes of grace
    expect(after.attendees.filter((a) => a.externalId !== "frank")).toEqual(before.attendees);
    await expect(linkSessionManually(db.db, { instanceUuid: first.uuid, sessionKey: session, externalId: "nobody" })).rejects.toThrow(/--user: no user with externalId "nobody"/);
    await expect(linkSessionManually(db.db, { instanceUuid: first.uuid, sessionKey: "no-such-session", externalId: "frank" })).rejects.toThrow(/--session/);
  });

  it("upserts by externalId: given fields replace, absent ones are kept, learned links survive", async () => {
    const result = await importUsers(db.db, [{ externalId: "ben", email: "ben.new@example.test" }, { externalId: "hana", registrants: [] }], { accountId: "*", privacy: store });
    expect(result).toMatchObject({ created: 0, updated: 2, linksAdded: 1, linksRemoved: 1 });
    const all = await listUsers(db.db, "*");
    expect(all.find((u) => u.externalId === "ben")).toMatchObject({ email: "ben.new@example.test", name: "Ben Mailer" });
    expect((await listLinks(db.db, "*", { externalId: "ben", method: "email" })).map((l) => l.value)).toEqual(["ben.new@example.test"]);
    // `registrants: []` empties hana's *imported* registrant links; the learned one stays.
    expect((await listLinks(db.db, first.accountId, { externalId: "hana", method: "registrant_id" })).map((l) => l.source)).toEqual(["learned"]);
    // Ben's old e-mail no longer resolves him once the pipeline re-resolves.
    expect(result.reresolvedInstances).toEqual([first.uuid]);
    await pipeline.runUntilIdle();
    const report = await attendanceReport(db.db, first.uuid);
    expect(statusOf(report, "ben")).toBeUndefined();
    expect(report?.unresolved.map((u) => u.userName)).toEqual(["Ben Mailer"]);
    await importUsers(db.db, [{ externalId: "ben", email: "ben@example.test" }], { accountId: "*", privacy: store });
    await pipeline.runUntilIdle();
    expect(statusOf(await attendanceReport(db.db, first.uuid), "ben")).toMatchObject({ status: "late" });
  });

  it("rolls up a recurring meeting per user across its instances", async () => {
    const w = (m: number) => second.start + m * minute;
    await storeInInbox(db, [z2.started(), z2.joined(ana, w(1)), z2.joined(cara, w(20)), z2.left(ana, w(60)), z2.left(cara, w(60)), z2.ended(w(60))]);
    await pipeline.runUntilIdle();
    const rollup = await meetingRollup(db.db, M);
    expect(rollup?.instances.map((i) => i.uuid)).toEqual([first.uuid, second.uuid]);
    const line = (id: string) => rollup?.users.find((u) => u.externalId === id);
    expect(line("ana")).toEqual({
      externalId: "ana",
      instancesAttended: 2,
      totalSeconds: 59 * 60 + 59 * 60,
      instances: [
        { uuid: first.uuid, status: "present", attendedSeconds: 59 * 60 },
        { uuid: second.uuid, status: "present", attendedSeconds: 59 * 60 },
      ],
    });
    expect(line("cara")?.instances.map((i) => i.status)).toEqual(["left_early", "late"]);
    expect(line("gina")).toMatchObject({ instancesAttended: 0, totalSeconds: 0, instances: [{ status: "absent" }, { status: "absent" }] });
    expect(line("ivan")?.instances.map((i) => i.status)).toEqual(["partial", null]);
  });

  it("prints the same report from the CLI, as JSON and CSV, from DATABASE_URL", async () => {
    const env = { ...process.env, DATABASE_URL: database().url, ROLLCALL_DATA_DIR: mkdtempSync(join(tmpdir(), "rollcall-cli-")) };
    const json = await run("node", [...rollcallCli, "attendance", "--instance", first.uuid], { env });
    expect(JSON.parse(json.stdout)).toEqual(await attendanceReport(db.db, first.uuid));
    const csv = await run("node", [...rollcallCli, "attendance", "--instance", first.uuid, "--format", "csv"], { env });
    const rows = parseCsv(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r["externalId"] === "gina")).toMatchObject({ kind: "attendee", status: "absent", attendedSeconds: "0", firstJoin: "", closedByMeetingEnd: "false" });
    expect(rows.find((r) => r["externalId"] === "ana")).toMatchObject({ status: "present", attendedSeconds: String(59 * 60), resolvedBy: "registrant_id", source: "webhook" });
    expect(rows.find((r) => r["externalId"] === "frank")).toMatchObject({ resolvedBy: "manual", source: "manual" });
    expect(rows.find((r) => r["externalId"] === "gina")).toMatchObject({ resolvedBy: "", source: "" });
    const rollup = await run("node", [...rollcallCli, "attendance", "--meeting", M], { env });
    expect(JSON.parse(rollup.stdout)).toEqual(await meetingRollup(db.db, M));
    const missing = await run("node", [...rollcallCli, "attendance", "--instance", "nope=="], { env }).catch((e: { stderr: string; code: number }) => e);
    expect(missing).toMatchObject({ code: 1, stderr: 'rollcall: --instance: no instance "nope==" has been seen\n' });
  });

  it("imports a user file through the CLI and reports bad rows with their paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollcall-users-"));
    const env = { ...process.env, DATABASE_URL: database().url, ROLLCALL_DATA_DIR: dir };
    const good = join(dir, "users.json");
    writeFileSync(good, JSON.stringify([{ externalId: "kim", email: "kim@example.test", zoomUserIds: ["ZUkim"] }]));
    const out = await run("node", [...rollcallCli, "users", "import", good], { env });
    expect(out.stdout).toMatch(/^imported 1 users \(1 created, 0 updated\); links: 2 added, 0 removed/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ externalId: "ok" }, { externalId: "x", registrants: [{ meetingId: "abc", registrantId: "r" }] }]));
    const failed = await run("node", [...rollcallCli, "users", "import", bad], { env }).catch((e: { stderr: string; code: number }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain("bad.json[1].registrants[0].meetingId: expected a meeting number");
    expect((await listUsers(db.db, "*")).map((u) => u.externalId)).not.toContain("ok");
  });
});

/** The CSV form of a user list (arrays `;`-separated, registrants as a JSON cell). */
function toCsv(rows: typeof users): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ["externalId,email,name,zoomUserIds,customerKeys,nameTokens,registrants"];
  for (const r of rows as Array<Record<string, unknown>>) {
    const list = (k: string) => ((r[k] as string[] | undefined) ?? []).join(";");
    lines.push([r["externalId"], r["email"] ?? "", r["name"] ?? "", list("zoomUserIds"), list("customerKeys"), list("nameTokens"), r["registrants"] ? JSON.stringify(r["registrants"]) : ""].map((v) => cell(String(v))).join(","));
  }
  return `${lines.join("\n")}\n`;
}
