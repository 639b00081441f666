import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { RegistrationEvent } from "../core/normalised-event.js";
import type { Database } from "../store/index.js";
import { accountsFor } from "./accounts.js";
import { addLink } from "./links-repository.js";
import { reresolveLinks } from "./reresolve.js";

/**
 * Learns registrant links from `*.registration_created` events: when a registrant's e-mail (as the
 * normaliser kept it: lower-cased, or hashed under `ROLLCALL_PRIVACY=hash`) is a known user's
 * e-mail, that user gets a `registrant_id` link for the meeting (source `learned`). Registrants
 * nobody knows are ignored; an e-mail shared by several users teaches nothing (it would only make
 * a conflict). Matches the pipeline's `RegistrationHandler` (its `onRegistrations` option).
 *
 * @returns the links learned.
 */
export async function learnRegistrants(db: Kysely<Database>, events: RegistrationEvent[], now: number = Date.now()): Promise<Link[]> {
  const learned: Link[] = [];
  for (const event of events) {
    if (event.email === undefined || event.email === "" || event.registrantId === "") continue;
    const owners = await usersWithEmail(db, event.accountId, event.email);
    if (owners.length !== 1) continue;
    const owner = owners[0]!;
    const created = await addLink(
      db,
      { accountId: owner.accountId, userRowId: owner.id, method: "registrant_id", value: event.registrantId, scope: event.meetingId, source: "learned" },
      now,
    );
    if (!created) continue;
    const link: Link = { method: "registrant_id", value: event.registrantId, userId: owner.externalId, meetingId: event.meetingId };
    learned.push(link);
    // A registrant may have joined (and stayed unresolved) before the registration event was processed.
    await reresolveLinks(db, owner.accountId, [link]);
  }
  return learned;
}

/** Users of the account whose stored e-mail (or `email` link) equals this one. */
async function usersWithEmail(db: Kysely<Database>, accountId: string, email: string): Promise<Array<{ id: number; accountId: string; externalId: string }>> {
  const value = email.trim().toLowerCase();
  const rows = await db
    .selectFrom("directory_users as u")
    .leftJoin("directory_links as l", (j) => j.onRef("l.user_id", "=", "u.id").on("l.method", "=", "email"))
    .select(["u.id", "u.account_id", "u.external_id"])
    .distinct()
    .where("u.account_id", "in", accountsFor(accountId))
    .where((eb) => eb.or([eb("u.email", "=", value), eb("l.value", "=", value)]))
    .execute();
  return rows.map((r) => ({ id: Number(r.id), accountId: r.account_id, externalId: r.external_id }));
}
