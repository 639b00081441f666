import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database } from "../store/index.js";
import { asLink, type ListedLinkMethod } from "./link-lists.js";
import type { ScopedValue } from "./links-repository.js";

/** One user of an import, as it will be stored: e-mail and name protected (undefined: keep; null: clear). */
export interface PreparedUser {
  externalId: string;
  email: string | null | undefined;
  name: string | null | undefined;
  /** Per method given, the exact list of that method's import links the user must have. */
  lists: Array<[ListedLinkMethod, ScopedValue[]]>;
}

/** What one chunk changed. */
export interface ChunkResult {
  created: number;
  updated: number;
  linksAdded: number;
  linksRemoved: number;
  /** Links added or removed (as they were), for re-resolution. */
  changed: Link[];
}

/** Rows per insert statement: well inside SQLite's and PostgreSQL's limits on bound parameters. */
const rowsPerStatement = 1_000;

/**
 * Upserts a chunk of users and makes their import links exactly what each gives, in a handful of
 * statements for the whole chunk (existing users and links read at once, new ones inserted
 * together) rather than several round trips per user, which made a 20,000-user import on
 * PostgreSQL take a minute. Links from other sources are never touched. Run it in a transaction.
 */
export async function importChunk(trx: Kysely<Database>, accountId: string, users: readonly PreparedUser[], now: number): Promise<ChunkResult> {
  const result: ChunkResult = { created: 0, updated: 0, linksAdded: 0, linksRemoved: 0, changed: [] };
  if (users.length === 0) return result;
  const ids = await upsertUsers(trx, accountId, users, now, result);
  const current = new Map<string, StoredImportLink[]>();
  for (const row of await importLinksOf(trx, [...ids.values()])) {
    const key = `${row.user_id}\u0000${row.method}`;
    current.set(key, [...(current.get(key) ?? []), row]);
  }
  const removedIds: number[] = [];
  const added: Array<{ user: PreparedUser; method: ListedLinkMethod; value: ScopedValue }> = [];
  for (const user of users) {
    const userId = ids.get(user.externalId)!;
    for (const [method, wanted] of user.lists) {
      const key = (v: ScopedValue) => `${v.scope}\u0000${v.value}`;
      const wantedKeys = new Set(wanted.map(key));
      const have = current.get(`${userId}\u0000${method}`) ?? [];
      const haveKeys = new Set(have.map(key));
      for (const row of have) {
        if (wantedKeys.has(key(row))) continue;
        removedIds.push(row.id);
        result.changed.push(asLink(method, row, user.externalId));
      }
      for (const value of wanted) if (!haveKeys.has(key(value))) added.push({ user, method, value });
    }
  }
  result.linksRemoved = removedIds.length;
  for (let i = 0; i < removedIds.length; i += rowsPerStatement) {
    await trx.deleteFrom("directory_links").where("id", "in", removedIds.slice(i, i + rowsPerStatement)).execute();
  }
  for (let i = 0; i < added.length; i += rowsPerStatement) {
    const slice = added.slice(i, i + rowsPerStatement);
    // The same value may already be linked to the user from another source: that link stays, nothing is added.
    const inserted = await trx
      .insertInto("directory_links")
      .values(slice.map(({ user, method, value }) => ({ account_id: accountId, user_id: ids.get(user.externalId)!, method, value: value.value, scope: value.scope, source: "import", created_at: now })))
      .onConflict((oc) => oc.columns(["account_id", "method", "scope", "value", "user_id"]).doNothing())
      .returning(["user_id", "method", "value", "scope"])
      .execute();
    const byId = new Map([...ids].map(([externalId, id]) => [id, externalId]));
    for (const row of inserted) result.changed.push(asLink(row.method as ListedLinkMethod, row, byId.get(Number(row.user_id))!));
    result.linksAdded += inserted.length;
  }
  return result;
}

/** Inserts the new users and updates the given fields of existing ones; returns every user's row id by external id. */
async function upsertUsers(trx: Kysely<Database>, accountId: string, users: readonly PreparedUser[], now: number, result: ChunkResult): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const existing = await trx
    .selectFrom("directory_users")
    .select(["id", "external_id"])
    .where("account_id", "=", accountId)
    .where("external_id", "in", users.map((u) => u.externalId))
    .execute();
  for (const row of existing) ids.set(row.external_id, Number(row.id));
  const fresh = new Set(users.filter((u) => !ids.has(u.externalId)));
  const freshRows = [...fresh];
  for (let i = 0; i < freshRows.length; i += rowsPerStatement) {
    const rows = await trx
      .insertInto("directory_users")
      .values(freshRows.slice(i, i + rowsPerStatement).map((u) => ({ account_id: accountId, external_id: u.externalId, email: u.email ?? null, name: u.name ?? null, created_at: now, updated_at: now })))
      .returning(["id", "external_id"])
      .execute();
    for (const row of rows) ids.set(row.external_id, Number(row.id));
  }
  result.created = fresh.size;
  result.updated = users.length - fresh.size;
  for (const user of users) {
    if (fresh.has(user)) continue;
    const changes: { email?: string | null; name?: string | null; updated_at: number } = { updated_at: now };
    if (user.email !== undefined) changes.email = user.email;
    if (user.name !== undefined) changes.name = user.name;
    await trx.updateTable("directory_users").set(changes).where("id", "=", ids.get(user.externalId)!).execute();
  }
  return ids;
}

interface StoredImportLink {
  id: number;
  user_id: number;
  method: string;
  value: string;
  scope: string;
}

/** The import-made links of these users. */
async function importLinksOf(trx: Kysely<Database>, userIds: number[]): Promise<StoredImportLink[]> {
  const rows: StoredImportLink[] = [];
  for (let i = 0; i < userIds.length; i += rowsPerStatement) {
    const found = await trx
      .selectFrom("directory_links")
      .select(["id", "user_id", "method", "value", "scope"])
      .where("user_id", "in", userIds.slice(i, i + rowsPerStatement))
      .where("source", "=", "import")
      .execute();
    for (const row of found) rows.push({ id: Number(row.id), user_id: Number(row.user_id), method: row.method, value: row.value, scope: row.scope });
  }
  return rows;
}
