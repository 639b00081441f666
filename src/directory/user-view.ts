import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database } from "../store/index.js";
import { reresolveLinks } from "./reresolve.js";
import { findUser } from "./users-repository.js";
import { isoTime } from "../json/index.js";

/**
 * A user with every identifier that recognises them, in the shape of a `rollcall users import`
 * row (so what is read can be written back), plus the links nobody imported (learned, API, manual).
 */
export interface UserView {
  externalId: string;
  email: string | null;
  name: string | null;
  zoomUserIds: string[];
  customerKeys: string[];
  nameTokens: string[];
  registrants: Array<{ meetingId: string; registrantId: string }>;
  /** Manual links: sessions linked to this user by hand. */
  manualSessions: Array<{ instanceUuid: string; sessionKey: string }>;
  createdAt: string;
  updatedAt: string;
}

/** One page of users, by `externalId`. */
export interface UserPage {
  data: UserView[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * The user with this `externalId` in exactly this account, with their links; undefined if none.
 */
export async function userView(db: Kysely<Database>, accountId: string, externalId: string): Promise<UserView | undefined> {
  const page = await usersPage(db, accountId, { externalIds: [externalId], limit: 1 });
  return page.data[0];
}

/**
 * Users of one account (exactly that account), `limit` at a time, after the `externalId` `after`.
 */
export async function usersPage(db: Kysely<Database>, accountId: string, options: { limit: number; after?: string; externalIds?: string[] }): Promise<UserPage> {
  let query = db.selectFrom("directory_users").selectAll().where("account_id", "=", accountId);
  if (options.after !== undefined) query = query.where("external_id", ">", options.after);
  if (options.externalIds) query = query.where("external_id", "in", options.externalIds);
  const rows = await query.orderBy("external_id").limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit);
  const views = new Map<number, UserView>();
  for (const row of page) {
    views.set(Number(row.id), {
      externalId: row.external_id,
      email: row.email,
      name: row.name,
      zoomUserIds: [],
      customerKeys: [],
      nameTokens: [],
      registrants: [],
      manualSessions: [],
      createdAt: isoTime(Number(row.created_at))!,
      updatedAt: isoTime(Number(row.updated_at))!,
    });
  }
  if (views.size > 0) {
    const links = await db
      .selectFrom("directory_links")
      .select(["user_id", "method", "value", "scope"])
      .where("user_id", "in", [...views.keys()])
      .orderBy("method")
      .orderBy("scope")
      .orderBy("value")
      .execute();
    for (const link of links) {
      const view = views.get(Number(link.user_id))!;
      if (link.method === "zoom_user_id") view.zoomUserIds.push(link.value);
      // One key can be linked twice: as the app gave it and scoped to a meeting an SDK join used it for.
      else if (link.method === "customer_key") {
        if (!view.customerKeys.includes(link.value)) view.customerKeys.push(link.value);
      }
      else if (link.method === "name_token") view.nameTokens.push(link.value);
      else if (link.method === "registrant_id") view.registrants.push({ meetingId: link.scope, registrantId: link.value });
      else if (link.method === "manual") view.manualSessions.push({ instanceUuid: link.scope, sessionKey: link.value });
    }
  }
  return { data: [...views.values()], nextCursor: rows.length > options.limit ? page.at(-1)!.external_id : null };
}

/**
 * Removes a user and every link of theirs, and marks the instances those links resolved for
 * re-resolution (their sessions become unresolved, or resolve to someone else). False when there
 * was no such user.
 */
export async function deleteUser(db: Kysely<Database>, accountId: string, externalId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await findUser(trx, accountId, externalId);
    if (!user) return false;
    const links = await trx.selectFrom("directory_links").select(["method", "value", "scope"]).where("user_id", "=", user.id).execute();
    await trx.deleteFrom("directory_links").where("user_id", "=", user.id).execute();
    await trx.deleteFrom("directory_users").where("id", "=", user.id).execute();
    const removed: Link[] = links.map((l) =>
      l.method === "manual"
        ? { method: "manual", instanceUuid: l.scope, sessionKey: l.value, userId: externalId }
        : ({ method: l.method, value: l.value, userId: externalId, ...(l.scope !== "" ? { meetingId: l.scope } : {}) } as Link),
    );
    await reresolveLinks(trx, accountId, removed);
    return true;
  });
}
