/**
 * `attendanceReport` reads attendance and unresolved sessions in separate statements. A
 * re-resolution that commits between them must not show up half: the report is either all before
 * it (the session unresolved, its user absent) or all after it, never the session in neither list.
 * A plugin on the report's connection runs the pipeline, on a connection of its own (another
 * process on SQLite, another pool client on PostgreSQL), right after the attendance read.
 */
import { SelectQueryNode, TableNode, type KyselyPlugin, type QueryId } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { importUsers, linkSessionManually, loadLinks } from "../../src/directory/index.js";
import { createPipeline, type Pipeline } from "../../src/pipeline/index.js";
import { attendanceReport } from "../../src/reports/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { minutesFrom } from "../support/clock.js";

const start = Date.UTC(2026, 4, 4, 15, 0, 0);
const instance = { accountId: "ACCT-SNAP", uuid: "snap/shot+A==", meetingId: "86655443399", topic: "Snapshot", start };
const z = meetingEvents(instance);
const at = minutesFrom(start);
const dana = participant({ user_id: "16778240", participant_uuid: "D0000000-0000-4000-8000-0000000SNAP1", customer_key: "ck-dana" });
const guest = participant({ user_id: "16778241", participant_uuid: "G0000000-0000-4000-8000-0000000SNAP1", user_name: "Guest Phone" });

/** Runs `hook` once, after the first SELECT from `table` has returned its rows (on that query's connection). */
function afterFirstRead(table: string, hook: () => Promise<void>): KyselyPlugin {
  const watched = new Set<QueryId>();
  let fired = false;
  return {
    transformQuery({ node, queryId }) {
      if (SelectQueryNode.is(node) && node.from?.froms.some((f) => TableNode.is(f) && f.table.identifier.name === table)) watched.add(queryId);
      return node;
    },
    async transformResult({ result, queryId }) {
      if (!fired && watched.has(queryId)) {
        fired = true;
        await hook();
      }
      return result;
    },
  };
}

eachDatabase("attendanceReport reads one snapshot", (database) => {
  let store: RollcallDatabase;
  let writer: RollcallDatabase;
  let pipeline: Pipeline;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    await importUsers(store.db, [{ externalId: "dana", customerKeys: ["ck-dana"] }, { externalId: "walk-in" }], { accountId: "*", privacy: { privacy: "store" } });
    await storeInInbox(store, [z.started(), z.joined(dana, at(1)), z.joined(guest, at(2)), z.left(guest, at(12)), z.left(dana, at(41)), z.ended(at(45))]);
    writer = await openDatabase(database().url);
    pipeline = createPipeline(writer, { loadLinks });
    await pipeline.runUntilIdle();
  });
  afterAll(async () => {
    await writer?.close();
    await store?.close();
  });

  it("never shows a session linked by hand in neither list while the re-resolution commits", async () => {
    const before = (await attendanceReport(store.db, instance.uuid))!;
    expect(before.attendees.map((a) => a.externalId)).toEqual(["dana"]);
    const sessionKey = before.unresolved[0]!.sessionKey;
    await linkSessionManually(store.db, { instanceUuid: instance.uuid, sessionKey, externalId: "walk-in" });

    const racing = store.db.withPlugin(afterFirstRead("attendance", () => pipeline.runUntilIdle().then(() => {})));
    const during = (await attendanceReport(racing, instance.uuid))!;
    const attributed = during.attendees.some((a) => a.externalId === "walk-in");
    const unresolved = during.unresolved.some((u) => u.sessionKey === sessionKey);
    expect({ attributed, unresolved }).toEqual({ attributed: !unresolved, unresolved: !attributed });

    const after = (await attendanceReport(store.db, instance.uuid))!;
    expect(after.unresolved).toEqual([]);
    expect(after.attendees.map((a) => [a.externalId, a.attendedSeconds, a.resolvedBy])).toEqual([
      ["dana", 2400, "customer_key"],
      ["walk-in", 600, "manual"],
    ]);
  });
});
