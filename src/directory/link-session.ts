import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { setManualLink } from "./links-repository.js";
import { reresolveLinks } from "./reresolve.js";
import { findUserForAccount } from "./users-repository.js";

/** A failure the operator can fix (unknown instance, session or user), with the field named. */
export class DirectoryError extends Error {
  override name = "DirectoryError";
}

/**
 * Links one session of one instance to a user by hand (e.g. an unresolved guest the operator
 * recognised) and marks that instance for re-resolution; only that session's resolution changes.
 * The user is looked up in the instance's account, then in the default account.
 *
 * @returns the instance uuids marked for re-resolution.
 */
export async function linkSessionManually(
  db: Kysely<Database>,
  input: { instanceUuid: string; sessionKey: string; externalId: string },
  now: number = Date.now(),
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const instance = await trx.selectFrom("instances").select(["account_id"]).where("instance_uuid", "=", input.instanceUuid).executeTakeFirst();
    if (!instance) throw new DirectoryError(`--instance: no instance "${input.instanceUuid}" has been seen`);
    const session = await trx
      .selectFrom("participant_sessions")
      .select("session_key")
      .where("account_id", "=", instance.account_id)
      .where("instance_uuid", "=", input.instanceUuid)
      .where("session_key", "=", input.sessionKey)
      .executeTakeFirst();
    if (!session) throw new DirectoryError(`--session: instance "${input.instanceUuid}" has no session "${input.sessionKey}"`);
    const user = await findUserForAccount(trx, instance.account_id, input.externalId);
    if (!user) throw new DirectoryError(`--user: no user with externalId "${input.externalId}" (import users first)`);
    await setManualLink(trx, { accountId: instance.account_id, userRowId: user.id, instanceUuid: input.instanceUuid, sessionKey: input.sessionKey }, now);
    return reresolveLinks(trx, instance.account_id, [{ method: "manual", instanceUuid: input.instanceUuid, sessionKey: input.sessionKey, userId: user.externalId }]);
  });
}

/**
 * Undoes {@link linkSessionManually}: removes the manual link of that session and marks the
 * instance for re-resolution (the session resolves as its identifiers say, or stays unresolved).
 * Throws {@link DirectoryError} when the instance is unknown or the session has no manual link.
 */
export async function unlinkSessionManually(db: Kysely<Database>, input: { instanceUuid: string; sessionKey: string }): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const instance = await trx.selectFrom("instances").select(["account_id"]).where("instance_uuid", "=", input.instanceUuid).executeTakeFirst();
    if (!instance) throw new DirectoryError(`--instance: no instance "${input.instanceUuid}" has been seen`);
    const link = await trx
      .selectFrom("directory_links as l")
      .innerJoin("directory_users as u", "u.id", "l.user_id")
      .select(["l.id", "l.account_id", "u.external_id"])
      .where("l.method", "=", "manual")
      .where("l.scope", "=", input.instanceUuid)
      .where("l.value", "=", input.sessionKey)
      .executeTakeFirst();
    if (!link) throw new DirectoryError(`--session: session "${input.sessionKey}" of instance "${input.instanceUuid}" has no manual link`);
    await trx.deleteFrom("directory_links").where("id", "=", link.id).execute();
    return reresolveLinks(trx, instance.account_id, [{ method: "manual", instanceUuid: input.instanceUuid, sessionKey: input.sessionKey, userId: link.external_id }]);
  });
}
