import type { IdentifierLinkMethod, Link } from "../core/link.js";
import { protectEmail, type PrivacySettings } from "../zoom/privacy/index.js";
import { addLink, removeLink, type StoredLink } from "./links-repository.js";
import type { LinkSource } from "./link-source.js";
import { DirectoryError } from "./link-session.js";
import { reresolveLinks } from "./reresolve.js";
import { findUser } from "./users-repository.js";
import { inWriteTransaction, type WriteTarget } from "./write-target.js";

/** An identifier the app already has for a user (a registrant it created, an SDK customer key…). */
export interface RecordLinkInput {
  accountId: string;
  externalId: string;
  method: IdentifierLinkMethod;
  value: string;
  /** The meeting number: required for `registrant_id`, optional for `customer_key` (a join link for one meeting). */
  meetingId?: string;
  source: LinkSource;
}

/**
 * Records one identifier link for an existing user and marks the instances it may change.
 * E-mails are kept as the privacy mode allows (refused under `drop`, where the method is off).
 *
 * @returns whether the link is new, and the instances marked for re-resolution.
 */
export async function recordLink(target: WriteTarget, input: RecordLinkInput, privacy: PrivacySettings, now: number = Date.now()): Promise<{ created: boolean; reresolvedInstances: string[] }> {
  if (input.method === "registrant_id" && (input.meetingId === undefined || input.meetingId === "")) {
    throw new DirectoryError("--meeting: a registrant id belongs to one meeting; give its meeting number");
  }
  if (input.meetingId !== undefined && !/^\d{9,12}$/.test(input.meetingId)) throw new DirectoryError(`--meeting: expected a meeting number (9 to 12 digits), got "${input.meetingId}"`);
  let value = input.value.trim();
  if (value === "") throw new DirectoryError("--value: expected a non-empty identifier");
  if (input.method === "email") {
    const kept = protectEmail(value, privacy);
    if (kept === undefined) throw new DirectoryError('--method email: e-mails are not kept under ROLLCALL_PRIVACY=drop, so e-mail links cannot match');
    value = kept;
  }
  return inWriteTransaction(target, async (trx) => {
    const user = await findUser(trx, input.accountId, input.externalId);
    if (!user) throw new DirectoryError(`--user: no user with externalId "${input.externalId}" in account "${input.accountId}"`);
    const scope = input.meetingId ?? "";
    const created = await addLink(trx, { accountId: input.accountId, userRowId: user.id, method: input.method, value, scope, source: input.source }, now);
    const link: Link = { method: input.method, value, userId: user.externalId };
    if (scope !== "") link.meetingId = scope;
    return { created, reresolvedInstances: created ? await reresolveLinks(trx, input.accountId, [link]) : [] };
  });
}

/**
 * Removes a link by id and marks the instances it resolved for re-resolution.
 *
 * @returns the removed link.
 */
export async function forgetLink(target: WriteTarget, accountId: string, id: number): Promise<{ link: StoredLink; reresolvedInstances: string[] }> {
  return inWriteTransaction(target, async (trx) => {
    const link = await removeLink(trx, accountId, id);
    if (!link) throw new DirectoryError(`--id: no link ${id} in account "${accountId}"`);
    const asLink: Link =
      link.method === "manual"
        ? { method: "manual", instanceUuid: link.scope, sessionKey: link.value, userId: link.externalId }
        : { method: link.method, value: link.value, userId: link.externalId, ...(link.scope !== "" ? { meetingId: link.scope } : {}) };
    return { link, reresolvedInstances: await reresolveLinks(trx, link.accountId, [asLink]) };
  });
}
