/**
 * The engine and the store's re-resolution read the same method → field map
 * (`IDENTIFIER_FIELDS_OF_METHOD`): for every link method and every identifier field a session can
 * show, adding the link marks the instance for re-resolution exactly when the engine would resolve
 * that session with it. A second map in either place that drifts makes this fail.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { computeInstance, type IdentifierField, type IdentifierLink, type IdentifierLinkMethod, type ParticipantIdentifiers } from "../../src/core/index.js";
import { instancesAffectedByLinks, writeInstanceRows } from "../../src/store/derived/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { joined, MEETING, min, UUID } from "../core/event-builders.js";
import { eachDatabase } from "../support/databases.js";

/** Where each identifier field sits on a normalised participant. */
const PROPERTY_OF_FIELD: Record<IdentifierField, keyof ParticipantIdentifiers> = {
  customer_key: "customerKey",
  registrant_id: "registrantId",
  participant_user_id: "zoomUserId",
  id: "id",
  email: "email",
  user_name: "userName",
};
const FIELDS = Object.keys(PROPERTY_OF_FIELD) as IdentifierField[];
// name_token is matched through the name pattern, never by value: the store marks by unresolved sessions instead.
const METHODS: Exclude<IdentifierLinkMethod, "name_token">[] = ["customer_key", "registrant_id", "zoom_user_id", "email"];
const VALUE = "value-7";

eachDatabase("store: re-resolution reads the engine's method → field map", (database) => {
  let db: RollcallDatabase;

  beforeAll(async () => {
    db = await openDatabase(database().url);
    await migrateToLatest(db);
    // One instance per field, each with one session that shows VALUE in that field only.
    for (const field of FIELDS) {
      const event = { ...joined(min(0), { userId: "16778240", [PROPERTY_OF_FIELD[field]]: VALUE }), instanceUuid: instanceOf(field) };
      const result = computeInstance([event], []);
      await writeInstanceRows(db.db, "acct", result, { revision: 1, eventCount: 1, resolvedMarks: 0, now: min(1) });
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(METHODS.flatMap((method) => [true, false].map((scoped) => [method, scoped] as const)))("%s link (meeting-scoped: %s) marks exactly the instances the engine resolves with it", async (method, scoped) => {
    const link: IdentifierLink = scoped && method === "registrant_id" ? { method, value: VALUE, userId: "u-1", meetingId: MEETING } : { method, value: VALUE, userId: "u-1" };
    const engineResolves = FIELDS.filter((field) => {
      const event = { ...joined(min(0), { userId: "16778240", [PROPERTY_OF_FIELD[field]]: VALUE }), instanceUuid: instanceOf(field) };
      return computeInstance([event], [link]).resolutions[0]!.userId === "u-1";
    });
    const marked = await instancesAffectedByLinks(db.db, "acct", [link]);
    expect(marked).toEqual(engineResolves.map(instanceOf).sort());
    expect(engineResolves.length).toBeGreaterThan(0);
  });
});

function instanceOf(field: IdentifierField): string {
  return `${UUID}-${field}`;
}
