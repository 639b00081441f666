/**
 * Every CSV Rollcall writes is safe to open in a spreadsheet (issue 14 item 8): a display name a
 * participant chose, such as `=HYPERLINK(…)`, reaches `attendance --format csv` and `export --format
 * csv` as text, and control characters are removed.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLinks } from "../../src/directory/index.js";
import { createPipeline } from "../../src/pipeline/index.js";
import { attendanceCsv, attendanceReport, spreadsheetSafeCell } from "../../src/reports/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";

const run = promisify(execFile);
const hyperlink = '=HYPERLINK("http://evil.example","click")';

describe("spreadsheetSafeCell", () => {
  it.each([
    [hyperlink, `'${hyperlink}`],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTab", "'\tTab"],
    ["\rReturn", "'\rReturn"],
    ["Dana\u0000 \u0007Smith\u007f", "Dana Smith"],
    ["\u0000=1+1", "'=1+1"],
    ["Dana Smith", "Dana Smith"],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(spreadsheetSafeCell(input)).toBe(expected);
  });
});

const t0 = Date.UTC(2026, 4, 4, 9, 0, 0);
const instance = { accountId: "ACCT-CSV", uuid: "csvSafe==", meetingId: "87700000001", topic: "CSV", start: t0 };
const mallory = participant({ user_id: "16778250", participant_uuid: "M0000000-0000-4000-8000-0000000000C1", user_name: hyperlink });
const bell = participant({ user_id: "16778251", participant_uuid: "M0000000-0000-4000-8000-0000000000C2", user_name: "-1+1\u0007" });

eachDatabase("CSV writers neutralise formulas", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    const z = meetingEvents(instance);
    await storeInInbox(store, [z.started(), z.joined(mallory, t0), z.joined(bell, t0 + minute), z.left(mallory, t0 + 20 * minute), z.left(bell, t0 + 30 * minute), z.ended(t0 + 60 * minute)]);
    await createPipeline(store, { loadLinks }).runUntilIdle();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("attendanceCsv writes a chosen display name as text", async () => {
    const report = await attendanceReport(store.db, instance.uuid);
    const rows = parseCsv(attendanceCsv(report!), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r["userName"]).sort()).toEqual(["'-1+1", `'${hyperlink}`]);
  });

  it("rollcall export --format csv and attendance --format csv do too", async () => {
    const env = { ...process.env, LOG_LEVEL: "silent" };
    const commands = [["export", "--format", "csv"], ["attendance", "--instance", instance.uuid, "--format", "csv"]];
    const outputs = await Promise.all(commands.map((args) => run(process.execPath, ["bin/rollcall.js", ...args, "--database-url", database().url], { env })));
    for (const { stdout } of outputs) {
      expect(stdout).not.toMatch(/(^|,)"?=HYPERLINK/m);
      expect(stdout).not.toContain("\u0007");
      const rows = parseCsv(stdout, { columns: true }) as Array<Record<string, string>>;
      expect(rows.map((r) => r["userName"]).sort()).toEqual(["'-1+1", `'${hyperlink}`]);
    }
  }, 60_000);
});
