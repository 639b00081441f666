import type { Kysely } from "kysely";
import { IDENTIFIER_FIELDS_OF_METHOD, nameToken, type IdentifierLinkMethod, type Link } from "../core/index.js";
import type { Database } from "../store/index.js";
import { accountsFor } from "./accounts.js";
import { toLink } from "./load-links.js";
import type { StoredLinkMethod } from "./link-methods.js";

/** Values per lookup: well inside both databases' limits on bound parameters. */
const valuesPerQuery = 5_000;

/**
 * The links the stored sessions of one instance can match: for each identifier method, the links
 * whose value one of the instance's `session_identifiers` shows (through the fields the engine
 * reads for that method; name tokens cut out of the names with `namePattern`), and the instance's
 * manual links. Index lookups, so re-resolving an instance costs what it holds, not the size of
 * the directory. Equivalent to {@link loadLinks} for that instance's sessions as stored, which are
 * exactly the sessions a re-resolution recomputes (its new events go the batch way).
 */
export async function loadInstanceLinks(db: Kysely<Database>, accountId: string, instanceUuid: string, namePattern: RegExp): Promise<Link[]> {
  const identifiers = await db
    .selectFrom("session_identifiers")
    .select(["field", "value"])
    .distinct()
    .where("account_id", "=", accountId)
    .where("instance_uuid", "=", instanceUuid)
    .execute();
  const links: Link[] = [];
  for (const [method, values] of valuesByMethod(identifiers, namePattern)) {
    const all = [...values];
    for (let i = 0; i < all.length; i += valuesPerQuery) links.push(...(await linksWithValues(db, accountId, method, all.slice(i, i + valuesPerQuery))));
  }
  const manual = await linkQuery(db, accountId).where("l.method", "=", "manual").where("l.scope", "=", instanceUuid).execute();
  for (const row of manual) links.push(toLink(storedLink(row)));
  return links;
}

function valuesByMethod(identifiers: ReadonlyArray<{ field: string; value: string }>, namePattern: RegExp): Map<IdentifierLinkMethod, Set<string>> {
  const wanted = new Map<IdentifierLinkMethod, Set<string>>();
  for (const method of Object.keys(IDENTIFIER_FIELDS_OF_METHOD) as IdentifierLinkMethod[]) {
    const fields: readonly string[] = IDENTIFIER_FIELDS_OF_METHOD[method];
    const values = new Set<string>();
    for (const { field, value } of identifiers) {
      if (!fields.includes(field)) continue;
      const looked = method === "name_token" ? nameToken(value, namePattern) : method === "email" ? value.trim().toLowerCase() : value;
      if (looked !== null && looked !== "") values.add(looked);
    }
    if (values.size > 0) wanted.set(method, values);
  }
  return wanted;
}

async function linksWithValues(db: Kysely<Database>, accountId: string, method: IdentifierLinkMethod, values: string[]): Promise<Link[]> {
  const rows = await linkQuery(db, accountId).where("l.method", "=", method).where("l.value", "in", values).execute();
  return rows.map((row) => toLink(storedLink(row)));
}

function linkQuery(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom("directory_links as l")
    .innerJoin("directory_users as u", "u.id", "l.user_id")
    .select(["u.external_id", "l.method", "l.value", "l.scope"])
    .where("l.account_id", "in", accountsFor(accountId));
}

function storedLink(row: { external_id: string; method: string; value: string; scope: string }) {
  return { externalId: row.external_id, method: row.method as StoredLinkMethod, value: row.value, scope: row.scope };
}

/** The directory's revision: changes whenever any link is added, changed or removed (triggers of migration 0014). */
export async function directoryRevision(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("directory_revision").select("revision").where("id", "=", 1).executeTakeFirst();
  return row ? Number(row.revision) : 0;
}
