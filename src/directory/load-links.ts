import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database } from "../store/index.js";
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
