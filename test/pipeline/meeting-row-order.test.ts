/**
 * A meeting row follows from its instances, not from the order they were computed in: product and
 * `last_instance_uuid` of the latest instance (by start), topic and host of the latest that says
 * them. Two stores process the same two instances in opposite orders and must agree.
 */
import { afterAll, expect, it } from "vitest";
import { loadLinks } from "../../src/directory/index.js";
import { createPipeline } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { eachDatabase } from "../support/databases.js";

const t0 = Date.UTC(2026, 6, 1, 9, 0, 0);
const week = 7 * 24 * 60 * minute;
const older = { accountId: "ACCT-MTG", uuid: "olderInstance==", meetingId: "87900000001", topic: "Weekly (old title)", start: t0 };
const newer = { accountId: "ACCT-MTG", uuid: "newerInstance==", meetingId: "87900000001", topic: "Weekly", start: t0 + week };
const guest = participant({ user_id: "16778240", participant_uuid: "M1000000-0000-4000-8000-000000000001", user_name: "Guest" });

const bodiesOf = (m: typeof older) => {
  const z = meetingEvents(m);
  return [z.started(), z.joined(guest, m.start + minute), z.left(guest, m.start + 30 * minute)];
};

eachDatabase("the meeting row", (database) => {
  const stores: RollcallDatabase[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  /** Processes the instances one by one in `order`, under an account of its own (meetings are keyed by account). */
  async function processed(order: Array<typeof older>, account: string): Promise<Record<string, unknown>> {
    const store = await openDatabase(database().url);
    stores.push(store);
    await migrateToLatest(store);
    const pipeline = createPipeline(store, { loadLinks });
    for (const m of order) {
      await storeInInbox(store, bodiesOf({ ...m, accountId: account }));
      await pipeline.runUntilIdle(); // one instance at a time, in this order
    }
    const row = await store.db.selectFrom("meetings").select(["product", "topic", "host_id", "meeting_type", "last_instance_uuid"]).where("account_id", "=", account).executeTakeFirstOrThrow();
    return row;
  }

  it("is the same whichever instance was computed last, and names the latest one", async () => {
    const oldFirst = await processed([older, newer], "ACCT-MTG-1");
    const newFirst = await processed([newer, older], "ACCT-MTG-2");
    expect(oldFirst).toEqual(newFirst);
    expect(oldFirst).toMatchObject({ last_instance_uuid: newer.uuid, topic: "Weekly", product: "meeting" });
  });
});
