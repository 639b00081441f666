import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { accountsFor } from "./accounts.js";

/** A user of the app as stored (e-mail and name as the privacy mode allowed). */
export interface DirectoryUser {
  id: number;
  accountId: string;
  externalId: string;
  email: string | null;
  name: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Fields to set; `undefined` leaves a stored value as it is, `null` clears it. */
export interface UserUpsert {
  accountId: string;
  externalId: string;
  email?: string | null;
  name?: string | null;
}

/**
 * Creates the user or updates the given fields of the existing one (matched by account and
 * `externalId`). Returns the stored row and whether it was created.
 */
export async function upsertUser(db: Kysely<Database>, input: UserUpsert, now: number): Promise<{ user: DirectoryUser; created: boolean }> {
  const existing = await findUser(db, input.accountId, input.externalId);
  if (existing) {
    const changes: { email?: string | null; name?: string | null; updated_at: number } = { updated_at: now };
    if (input.email !== undefined) changes.email = input.email;
    if (input.name !== undefined) changes.name = input.name;
    await db.updateTable("directory_users").set(changes).where("id", "=", existing.id).execute();
    return { user: { ...existing, email: changes.email !== undefined ? changes.email : existing.email, name: changes.name !== undefined ? changes.name : existing.name, updatedAt: now }, created: false };
  }
  const row = await db
    .insertInto("directory_users")
    .values({ account_id: input.accountId, external_id: input.externalId, email: input.email ?? null, name: input.name ?? null, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user: toUser(row), created: true };
}

/** The user with this `externalId` in exactly this account, if any. */
export async function findUser(db: Kysely<Database>, accountId: string, externalId: string): Promise<DirectoryUser | undefined> {
  const row = await db.selectFrom("directory_users").selectAll().where("account_id", "=", accountId).where("external_id", "=", externalId).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/**
 * The user events of `accountId` know by this `externalId`: one of that account, else one of the
 * default account.
 */
export async function findUserForAccount(db: Kysely<Database>, accountId: string, externalId: string): Promise<DirectoryUser | undefined> {
  for (const account of accountsFor(accountId)) {
    const user = await findUser(db, account, externalId);
    if (user) return user;
  }
  return undefined;
}

/** Users of the account (default-account users included), by `externalId`. */
export async function listUsers(db: Kysely<Database>, accountId: string): Promise<DirectoryUser[]> {
  const rows = await db.selectFrom("directory_users").selectAll().where("account_id", "in", accountsFor(accountId)).orderBy("external_id").orderBy("account_id").execute();
  return rows.map(toUser);
}

/** Removes the user and every link of theirs. Returns false when there was no such user. */
export async function removeUser(db: Kysely<Database>, accountId: string, externalId: string): Promise<boolean> {
  const user = await findUser(db, accountId, externalId);
  if (!user) return false;
  // Links go first: SQLite enforces the cascade only with foreign_keys on, so do not rely on it.
  await db.deleteFrom("directory_links").where("user_id", "=", user.id).execute();
  await db.deleteFrom("directory_users").where("id", "=", user.id).execute();
  return true;
}

function toUser(row: { id: number; account_id: string; external_id: string; email: string | null; name: string | null; created_at: number; updated_at: number }): DirectoryUser {
  return {
    id: Number(row.id),
    accountId: row.account_id,
    externalId: row.external_id,
    email: row.email,
    name: row.name,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
