import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPipeline } from "../../src/pipeline/index.js";
import { importUsers, loadLinks } from "../../src/directory/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { runRollcall, type CliResult } from "../support/rollcall-cli.js";

const t0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const M = "87766554433";
const week1 = { accountId: "ACCT-EXP", uuid: "exp/week1+A==", meetingId: M, topic: "Seminar – Week 1", start: t0 };
const week2 = { ...week1, uuid: "exp/week2+B==", topic: "Seminar – Week 2", start: t0 + 7 * 24 * 60 * minute };
const ana = participant({ user_id: "16778240", participant_uuid: "A0000000-0000-4000-8000-0000000000E1", registrant_id: "reg-ana" });
const guest = participant({ user_id: "16778241", participant_uuid: "G0000000-0000-4000-8000-0000000000E1", user_name: "Walk-in" });

function stream(instance: typeof week1, anaMinutes: number) {
  const z = meetingEvents(instance);
  const at = (m: number) => instance.start + m * minute;
  return [z.started(), z.joined(ana, at(0)), z.joined(guest, at(5)), z.left(guest, at(15)), z.left(ana, at(anaMinutes)), z.ended(at(60))];
}

/** One command from the sources; rejects with its output when it fails. */
async function rollcall(url: string, ...args: string[]): Promise<CliResult> {
  const result = await runRollcall([...args, "--database-url", url], { env: { ...process.env, LOG_LEVEL: "silent" } });
  if (result.code !== 0) throw Object.assign(new Error(`rollcall ${args.join(" ")} exited with ${result.code}`), result);
  return result;
}

eachDatabase("rollcall instances and rollcall export", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    await importUsers(store.db, [{ externalId: "ana", registrants: [{ meetingId: M, registrantId: "reg-ana" }] }], { accountId: "*", privacy: { privacy: "store" } });
    await storeInInbox(store, [...stream(week1, 60), ...stream(week2, 25)]);
    await createPipeline(store, { loadLinks }).runUntilIdle();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("lists instances newest first with the uuid attendance takes", async () => {
    const { stdout } = await rollcall(database().url, "instances", "--json");
    const instances = JSON.parse(stdout) as Array<{ uuid: string; status: string; sessions: number; startTime: string }>;
    expect(instances.map((i) => i.uuid)).toEqual([week2.uuid, week1.uuid]);
    expect(instances[0]).toMatchObject({ status: "ended", sessions: 2, startTime: "2026-03-09T09:00:00Z" });
    const text = await rollcall(database().url, "instances", "--from", "2026-03-05");
    expect(text.stdout.trim().split("\n")).toHaveLength(1);
    expect(text.stdout).toContain(week2.uuid);
  });

  it("exports every instance in a range as one CSV table, oldest first", async () => {
    const { stdout } = await rollcall(database().url, "export", "--format", "csv", "--meeting", M);
    const rows = parseCsv(stdout, { columns: true }) as Array<Record<string, string>>;
    const ana = rows.filter((r) => r["externalId"] === "ana");
    expect(ana.map((r) => [r["instanceUuid"], r["attendedSeconds"], r["status"]])).toEqual([
      [week1.uuid, "3600", "present"],
      [week2.uuid, "1500", "partial"],
    ]);
    expect(rows.filter((r) => r["kind"] === "unresolved")).toHaveLength(2);
  });

  it("exports NDJSON in the attendance contract and refuses a bad date by its flag", async () => {
    const { stdout } = await rollcall(database().url, "export", "--format", "ndjson", "--to", "2026-03-05");
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as { instance: { uuid: string }; attendees: unknown[] });
    expect(lines.map((l) => l.instance.uuid)).toEqual([week1.uuid]);
    await expect(rollcall(database().url, "export", "--from", "yesterday")).rejects.toMatchObject({ stderr: expect.stringContaining("--from: expected an ISO-8601 date") });
  });
});
