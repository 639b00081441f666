import { sql, type Kysely, type Transaction } from "kysely";
import { IDENTIFIER_FIELDS_OF_METHOD, type Link } from "../../core/index.js";
import type { Database } from "../schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Asks the pipeline to recompute the resolutions and attendance of these instances (with the links
 * as they are when it runs). Cheap: it only bumps `instances.needs_resolve`; the pipeline worker
 * picks marked instances up within its poll interval, and `runPipelineUntilIdle` does at once.
 * Unknown uuids are ignored: an instance not seen yet is resolved with fresh links anyway.
 * Call it in the same transaction that changes the links, so the mark is never seen before them.
 *
 * @returns how many instances were marked.
 */
export async function markInstancesForReprocessing(db: Db, instanceUuids: readonly string[]): Promise<number> {
  let marked = 0;
  const unique = [...new Set(instanceUuids)];
  for (let i = 0; i < unique.length; i += 10_000) {
    const result = await db
      .updateTable("instances")
      .set({ needs_resolve: sql<number>`needs_resolve + 1` })
      .where("instance_uuid", "in", unique.slice(i, i + 10_000))
      .executeTakeFirst();
    marked += Number(result.numUpdatedRows);
  }
  return marked;
}

/**
 * Marks every instance of an account for re-resolution: the blunt form, for changes whose reach is
 * unknown (a new name pattern, many links at once).
 */
export async function reresolveAccount(db: Db, accountId: string): Promise<number> {
  const result = await db
    .updateTable("instances")
    .set({ needs_resolve: sql<number>`needs_resolve + 1` })
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The instances of an account whose resolutions a set of added or removed links may change:
 * those where a session showed one of the links' identifiers (through `session_identifiers`), and
 * the instance of each manual link (the fields each method reads: `IDENTIFIER_FIELDS_OF_METHOD`, the
 * engine's own map). Name-token links cannot be matched by value (the token is cut
 * out of names with the configured pattern), so any of them makes every instance of the account
 * with an unresolved session count. Registrant links limited to a meeting only match that meeting's
 * instances.
 */
export async function instancesAffectedByLinks(db: Db, accountId: string, links: readonly Link[]): Promise<string[]> {
  const found = new Set<string>();
  const byField = new Map<string, Set<string>>();
  const registrantsByMeeting: Array<{ value: string; meetingId: string }> = [];
  let nameTokens = false;
  for (const link of links) {
    if (link.method === "manual") {
      found.add(link.instanceUuid);
    } else if (link.method === "name_token") {
      nameTokens = true;
    } else if (link.method === "registrant_id" && link.meetingId !== undefined) {
      registrantsByMeeting.push({ value: link.value, meetingId: link.meetingId });
    } else {
      const value = link.method === "email" ? link.value.trim().toLowerCase() : link.value;
      for (const field of IDENTIFIER_FIELDS_OF_METHOD[link.method]) {
        let values = byField.get(field);
        if (!values) byField.set(field, (values = new Set()));
        values.add(value);
      }
    }
  }
  for (const [field, values] of byField) {
    const all = [...values];
    for (let i = 0; i < all.length; i += 10_000) {
      const rows = await db
        .selectFrom("session_identifiers")
        .select("instance_uuid")
        .distinct()
        .where("account_id", "=", accountId)
        .where("field", "=", field)
        .where("value", "in", all.slice(i, i + 10_000))
        .execute();
      for (const r of rows) found.add(r.instance_uuid);
    }
  }
  for (const { value, meetingId } of registrantsByMeeting) {
    const rows = await db
      .selectFrom("session_identifiers as si")
      .innerJoin("instances as i", (j) => j.onRef("i.account_id", "=", "si.account_id").onRef("i.instance_uuid", "=", "si.instance_uuid"))
      .select("si.instance_uuid")
      .distinct()
      .where("si.account_id", "=", accountId)
      .where("si.field", "in", [...IDENTIFIER_FIELDS_OF_METHOD.registrant_id])
      .where("si.value", "=", value)
      .where("i.meeting_id", "=", meetingId)
      .execute();
    for (const r of rows) found.add(r.instance_uuid);
  }
  if (nameTokens) {
    const rows = await db
      .selectFrom("session_resolutions")
      .select("instance_uuid")
      .distinct()
      .where("account_id", "=", accountId)
      .where("user_id", "is", null)
      .execute();
    for (const r of rows) found.add(r.instance_uuid);
  }
  return [...found].sort();
}

/**
 * {@link instancesAffectedByLinks} then {@link markInstancesForReprocessing}: what to call after
 * adding or removing links (pass the links as they were added, or as they were before removal).
 * Call it in the transaction that changed the links.
 *
 * @returns the instances marked.
 */
export async function reresolveForLinks(db: Db, accountId: string, links: readonly Link[]): Promise<string[]> {
  const uuids = await instancesAffectedByLinks(db, accountId, links);
  await markInstancesForReprocessing(db, uuids);
  return uuids;
}
