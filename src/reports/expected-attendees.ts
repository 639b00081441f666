import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { accountsFor } from "../directory/accounts.js";

/**
 * The users expected at every instance of a meeting: those linked to the meeting number — a
 * registrant of it, or holding a join link issued for it (a `registrant_id` or `customer_key` link
 * whose scope is the meeting). Returns `externalId`s, sorted.
 */
export async function expectedAttendees(db: Kysely<Database>, accountId: string, meetingId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("directory_links as l")
    .innerJoin("directory_users as u", "u.id", "l.user_id")
    .select("u.external_id")
    .distinct()
    .where("l.account_id", "in", accountsFor(accountId))
    .where("l.method", "in", ["registrant_id", "customer_key"])
    .where("l.scope", "=", meetingId)
    .execute();
  return rows.map((r) => r.external_id).sort();
}
