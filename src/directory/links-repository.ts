import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { accountsFor } from "./accounts.js";
import type { LinkSource } from "./link-source.js";
import type { StoredLinkMethod } from "./link-methods.js";

export { storedLinkMethods, type StoredLinkMethod } from "./link-methods.js";

/** A link as stored, with the `externalId` of its user. */
export interface StoredLink {
  id: number;
  accountId: string;
  /** The user's `externalId`. */
  externalId: string;
  method: StoredLinkMethod;
  /** The identifier; for `manual`, the session key. */
  value: string;
  /** Meeting number (`registrant_id`, meeting-bound `customer_key`), instance uuid (`manual`), else `""`. */
  scope: string;
  source: LinkSource;
  createdAt: number;
}

/** A link to write for a user (by the user's row id). */
export interface NewLink {
  accountId: string;
  userRowId: number;
  method: StoredLinkMethod;
  value: string;
  scope?: string;
  source: LinkSource;
}

/**
 * Adds a link unless the user already has it (same account, method, scope and value).
 *
 * @returns true when a row was written.
 */
export async function addLink(db: Kysely<Database>, link: NewLink, now: number): Promise<boolean> {
  const result = await db
    .insertInto("directory_links")
    .values({ account_id: link.accountId, user_id: link.userRowId, method: link.method, value: link.value, scope: link.scope ?? "", source: link.source, created_at: now })
    .onConflict((oc) => oc.columns(["account_id", "method", "scope", "value", "user_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** One identifier value (with its scope) of a method. */
export interface ScopedValue {
  value: string;
  scope: string;
}

/**
 * Makes the user's links of one method *from one source* exactly `wanted`: missing ones are added,
 * the others of that source removed. Links from other sources (learned, manual, api) are kept.
 *
 * @returns the values added and removed (what may change past resolutions).
 */
export async function replaceLinksFromSource(
  db: Kysely<Database>,
  user: { id: number; accountId: string },
  method: StoredLinkMethod,
  source: LinkSource,
  wanted: readonly ScopedValue[],
  now: number,
): Promise<{ added: ScopedValue[]; removed: ScopedValue[] }> {
  const current = await db
    .selectFrom("directory_links")
    .select(["id", "value", "scope"])
    .where("user_id", "=", user.id)
    .where("method", "=", method)
    .where("source", "=", source)
    .execute();
  const key = (v: ScopedValue) => `${v.scope}\u0000${v.value}`;
  const wantedKeys = new Set(wanted.map(key));
  const removed = current.filter((row) => !wantedKeys.has(key(row)));
  if (removed.length > 0) await db.deleteFrom("directory_links").where("id", "in", removed.map((r) => r.id)).execute();
  const added: ScopedValue[] = [];
  for (const value of wanted) {
    if (await addLink(db, { accountId: user.accountId, userRowId: user.id, method, value: value.value, scope: value.scope, source }, now)) added.push(value);
  }
  return { added, removed: removed.map((r) => ({ value: r.value, scope: r.scope })) };
}

/** Optional narrowing of {@link listLinks}. */
export interface LinkFilter {
  externalId?: string;
  method?: StoredLinkMethod;
  /** Only links whose scope is this meeting number or instance uuid. */
  scope?: string;
}

/**
 * Links that apply to events of `accountId` (default-account links included), oldest first.
 */
export async function listLinks(db: Kysely<Database>, accountId: string, filter: LinkFilter = {}): Promise<StoredLink[]> {
  let query = db
    .selectFrom("directory_links as l")
    .innerJoin("directory_users as u", "u.id", "l.user_id")
    .select(["l.id", "l.account_id", "u.external_id", "l.method", "l.value", "l.scope", "l.source", "l.created_at"])
    .where("l.account_id", "in", accountsFor(accountId));
  if (filter.externalId !== undefined) query = query.where("u.external_id", "=", filter.externalId);
  if (filter.method !== undefined) query = query.where("l.method", "=", filter.method);
  if (filter.scope !== undefined) query = query.where("l.scope", "=", filter.scope);
  const rows = await query.orderBy("l.id").execute();
  return rows.map((row) => ({
    id: Number(row.id),
    accountId: row.account_id,
    externalId: row.external_id,
    method: row.method as StoredLinkMethod,
    value: row.value,
    scope: row.scope,
    source: row.source as LinkSource,
    createdAt: Number(row.created_at),
  }));
}

/** Removes one link by id. Returns the removed link, or undefined when there was none. */
export async function removeLink(db: Kysely<Database>, accountId: string, id: number): Promise<StoredLink | undefined> {
  const link = (await listLinks(db, accountId)).find((l) => l.id === id);
  if (!link) return undefined;
  await db.deleteFrom("directory_links").where("id", "=", id).execute();
  return link;
}

/**
 * Links one session of one instance to a user by hand, replacing any earlier manual link of that
 * session (a session is one person). Run it inside a transaction (as `linkSessionManually` does)
 * so the replacement is atomic.
 */
export async function setManualLink(
  db: Kysely<Database>,
  link: { accountId: string; userRowId: number; instanceUuid: string; sessionKey: string },
  now: number,
): Promise<void> {
  await db
    .deleteFrom("directory_links")
    .where("account_id", "=", link.accountId)
    .where("method", "=", "manual")
    .where("scope", "=", link.instanceUuid)
    .where("value", "=", link.sessionKey)
    .execute();
  await addLink(db, { accountId: link.accountId, userRowId: link.userRowId, method: "manual", value: link.sessionKey, scope: link.instanceUuid, source: "manual" }, now);
}
