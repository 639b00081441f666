/**
 * Links kept between batches (issue 25 §1): a pipeline indexes an account's links once and keeps
 * them while the directory's revision stays; a large directory that changed is read again in the
 * background while batches go on with the index they have and mark what they computed, and a
 * marked instance is re-resolved with only the links its stored sessions can match. Whatever path
 * a session took, it ends up resolved as if every link had been known.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Link } from "../../src/core/index.js";
import { directoryRevision, importUsers, loadInstanceLinks, loadLinkPages, loadLinks } from "../../src/directory/index.js";
import { createPipeline } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type Database, type RollcallDatabase } from "../../src/store/index.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { eachDatabase } from "../support/databases.js";

const t0 = Date.UTC(2026, 6, 1, 9, 0, 0);
const privacy = { privacy: "store" as const };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

eachDatabase("links between batches", (database) => {
  let store: RollcallDatabase;
  let loads = 0;
  let revisionReads = 0;
  // A directory slow to read, as a large one is: the pipeline must not read it again for every change.
  const slowLoadLinks = async (db: Kysely<Database>, accountId: string): Promise<Link[]> => {
    loads++;
    await sleep(40);
    return loadLinks(db, accountId);
  };
  const countedRevision = (db: Kysely<Database>) => {
    revisionReads++;
    return directoryRevision(db);
  };

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  const userRow = (i: number) => ({ externalId: `user-${i}`, email: `person${i}@example.test` });
  const joinOf = (m: ReturnType<typeof meetingEvents>, i: number, at: number) =>
    m.joined(participant({ user_id: String(16780000 + i), participant_uuid: `P0000000-0000-4000-8000-${String(i).padStart(12, "0")}`, user_name: `Person ${i}`, email: `person${i}@example.test` }), at);
  /** The users an instance's sessions resolved to, sorted; `null` for each unresolved one, last. */
  const resolutions = async (uuid: string) => {
    const users = (await store.db.selectFrom("session_resolutions").select(["user_id"]).where("instance_uuid", "=", uuid).execute()).map((r) => r.user_id);
    return [...users.filter((u) => u !== null).sort(), ...users.filter((u) => u === null)];
  };
  const marks = async (uuid: string) => Number((await store.db.selectFrom("instances").select("needs_resolve").where("instance_uuid", "=", uuid).executeTakeFirstOrThrow()).needs_resolve);

  it("reads the directory once while it stays the same, resolves with the last index while a changed one is read again, and ends up right", async () => {
    const pipeline = createPipeline(store, { loadLinks: slowLoadLinks, linksRevision: countedRevision, loadLinkPages, loadInstanceLinks });
    const instance = { accountId: "ACCT-LINKS", uuid: "linksBetweenBatches==", meetingId: "87900000099", topic: "Links", start: t0 };
    const m = meetingEvents(instance);
    await importUsers(store, [userRow(1)], { accountId: "*", privacy });
    await storeInInbox(store, [m.started(), joinOf(m, 1, t0 + minute)]);
    await pipeline.runUntilIdle();
    expect(loads).toBe(1);
    await storeInInbox(store, [joinOf(m, 9, t0 + 2 * minute)]); // nobody's: no link changed
    await pipeline.runUntilIdle();
    expect(loads).toBe(1); // kept: the revision stayed
    expect(revisionReads).toBeGreaterThanOrEqual(2);

    // A new user arrives, then their join: the batch resolves with the index it has (which does not
    // know them), marks the instance, and the re-resolution finds them by value.
    await importUsers(store, [userRow(2)], { accountId: "*", privacy });
    await storeInInbox(store, [joinOf(m, 2, t0 + 3 * minute)]);
    await pipeline.processInboxBatch();
    expect(await marks(instance.uuid)).toBeGreaterThan(0);
    expect(await resolutions(instance.uuid)).toEqual(["user-1", null, null]); // user-2's session not yet resolved, nor the stranger's
    expect(await pipeline.processMarkedInstances()).toBe(1);
    expect(await marks(instance.uuid)).toBe(0);
    expect(await resolutions(instance.uuid)).toEqual(["user-1", "user-2", null]);
    expect(loads).toBe(1); // neither path read the whole directory again inside a batch

    // The background refresh catches up: later batches are current again and mark nothing.
    await pipeline.settleLinks();
    await importUsers(store, [userRow(3)], { accountId: "*", privacy });
    await pipeline.settleLinks();
    await sleep(1100); // refreshes are spaced
    await storeInInbox(store, [joinOf(m, 3, t0 + 4 * minute)]);
    await pipeline.processInboxBatch(); // stale: starts a refresh
    await pipeline.settleLinks();
    await pipeline.runUntilIdle();
    await storeInInbox(store, [joinOf(m, 10, t0 + 5 * minute)]);
    await pipeline.processInboxBatch();
    expect(await marks(instance.uuid)).toBe(0);
    expect((await resolutions(instance.uuid)).filter((u) => u !== null)).toEqual(["user-1", "user-2", "user-3"]);
  });

  it("re-resolves a marked instance with the links its sessions can match: the same rows as with every link", async () => {
    const instance = { accountId: "ACCT-LINKS", uuid: "byValueEqualsAll==", meetingId: "87900000098", topic: "By value", start: t0 };
    const m = meetingEvents(instance);
    await importUsers(store, [userRow(20), userRow(21)], { accountId: "*", privacy });
    await storeInInbox(store, [m.started(), joinOf(m, 20, t0 + minute), joinOf(m, 21, t0 + 2 * minute), joinOf(m, 22, t0 + 3 * minute)]);
    await createPipeline(store, { loadLinks }).runUntilIdle();
    // user-22 arrives with a customer key nobody showed and the e-mail person 22 did: only the e-mail counts.
    await importUsers(store, [{ ...userRow(22), customerKeys: ["ck-unseen"] }], { accountId: "*", privacy });
    const links = await loadInstanceLinks(store.db, "ACCT-LINKS", instance.uuid, /\[rc:(?<token>[^\]\s]+)\]/);
    expect(links.map((l) => ("value" in l ? `${l.method}:${l.value}` : l.method)).sort()).toEqual(["email:person20@example.test", "email:person21@example.test", "email:person22@example.test"]);
    await createPipeline(store, { loadLinks, loadInstanceLinks }).runUntilIdle();
    const rows = () => store.db.selectFrom("session_resolutions").select(["session_key", "user_id", "method", "confidence", "evidence_json", "conflicts_json"]).where("instance_uuid", "=", instance.uuid).orderBy("session_key").execute();
    const byValue = await rows();
    expect(byValue.map((r) => r.user_id).filter((u) => u !== null).sort()).toEqual(["user-20", "user-21", "user-22"]);
    // The same instance re-resolved with every link of the directory writes the same rows.
    await store.db.updateTable("instances").set({ needs_resolve: 1 }).where("instance_uuid", "=", instance.uuid).execute();
    await createPipeline(store, { loadLinks }).runUntilIdle();
    expect(await rows()).toEqual(byValue);
  });
});
