import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database } from "../store/index.js";
import { accountsFor } from "./accounts.js";
import { listLinks, type StoredLink } from "./links-repository.js";

/**
 * The engine's input for events of one account: every link of that account and of the default
 * account (`*`), as {@link Link}s whose `userId` is the app's `externalId`.
 */
export async function loadLinks(db: Kysely<Database>, accountId: string): Promise<Link[]> {
  return (await listLinks(db, accountId)).map(toLink);
}

/** One stored link in the engine's terms. */
export function toLink(link: Pick<StoredLink, "method" | "value" | "scope" | "externalId">): Link {
  if (link.method === "manual") return { method: "manual", instanceUuid: link.scope, sessionKey: link.value, userId: link.externalId };
  const out: Link = { method: link.method, value: link.value, userId: link.externalId };
  if (link.scope !== "") out.meetingId = link.scope;
  return out;
}

/** Links per page of {@link loadLinkPages}. */
const linksPerPage = 10_000;

/**
 * {@link loadLinks} a page at a time (by link id), for a caller that lets other work in between:
 * 200,000 links take most of a second to read and index. Pages are separate reads, so links
 * changed meanwhile may or may not be in them: the caller takes the directory's revision before
 * the first page as what it has.
 */
export async function* loadLinkPages(db: Kysely<Database>, accountId: string): AsyncGenerator<Link[]> {
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom("directory_links as l")
      .innerJoin("directory_users as u", "u.id", "l.user_id")
      .select(["l.id", "u.external_id", "l.method", "l.value", "l.scope"])
      .where("l.account_id", "in", accountsFor(accountId))
      .where("l.id", ">", after)
      .orderBy("l.id")
      .limit(linksPerPage)
      .execute();
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.id);
    yield rows.map((row) => toLink({ externalId: row.external_id, method: row.method as StoredLink["method"], value: row.value, scope: row.scope }));
    if (rows.length < linksPerPage) return;
  }
}
