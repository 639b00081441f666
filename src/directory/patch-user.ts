import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database, RollcallDatabase } from "../store/index.js";
import { protectEmail, protectName, type PrivacySettings } from "../zoom/privacy/index.js";
import { asLink, linkListEntries, type ListedLinkMethod } from "./link-lists.js";
import { addLink, replaceLinksFromSource, type ScopedValue } from "./links-repository.js";
import { reresolveLinks } from "./reresolve.js";
import type { UserPatch } from "./user-import-schema.js";
import { findUser, upsertUser, type DirectoryUser } from "./users-repository.js";
import { inWriteTransaction } from "./write-target.js";

/** What {@link patchUser} changed. */
export interface PatchUserResult {
  linksAdded: number;
  linksRemoved: number;
  /** Instances marked for re-resolution because the changed links may change them. */
  reresolvedInstances: string[];
}

/**
 * Merges a patch into an existing user (`PATCH /api/v1/users/{externalId}`), where PUT replaces:
 * - `email`, `name`: set when given (as the privacy mode keeps them), `null` clears, absent keeps;
 *   a new e-mail also replaces the user's imported e-mail link, as an import does;
 * - `add`: links added as the app's own (source `import`, like an import's, so a later PUT or
 *   import that restates the list governs them); a link the user already has is left as it is;
 * - `remove`: the user's links with those values removed, whoever made them (an import, a join
 *   link, a registration Zoom reported); manual session links are not touched.
 * Then marks the instances the changed links may change. Undefined when there is no such user.
 */
export async function patchUser(
  target: RollcallDatabase | Kysely<Database>,
  accountId: string,
  externalId: string,
  patch: UserPatch,
  options: { privacy: PrivacySettings; now?: number },
): Promise<PatchUserResult | undefined> {
  const now = options.now ?? Date.now();
  const transaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => inWriteTransaction(target, fn);
  return transaction(async (trx) => {
    const existing = await findUser(trx, accountId, externalId);
    if (!existing) return undefined;
    const email = patch.email === undefined ? undefined : (protectEmail(patch.email, options.privacy) ?? null);
    const name = patch.name === undefined ? undefined : (protectName(patch.name, options.privacy) ?? null);
    const { user } = await upsertUser(trx, { accountId, externalId, email, name }, now);
    const result: PatchUserResult = { linksAdded: 0, linksRemoved: 0, reresolvedInstances: [] };
    const changed: Link[] = [];
    const note = (method: ListedLinkMethod, values: readonly ScopedValue[], count: "linksAdded" | "linksRemoved") => {
      result[count] += values.length;
      for (const v of values) changed.push(asLink(method, v, externalId));
    };
    if (email !== undefined) {
      const { added, removed } = await replaceLinksFromSource(trx, user, "email", "import", email === null ? [] : [{ value: email, scope: "" }], now);
      note("email", added, "linksAdded");
      note("email", removed, "linksRemoved");
    }
    for (const [method, values] of linkListEntries(patch.remove ?? {})) note(method, await removeLinks(trx, user, method, values), "linksRemoved");
    for (const [method, values] of linkListEntries(patch.add ?? {})) {
      const added: ScopedValue[] = [];
      for (const v of values) if (await addLink(trx, { accountId, userRowId: user.id, method, value: v.value, scope: v.scope, source: "import" }, now)) added.push(v);
      note(method, added, "linksAdded");
    }
    result.reresolvedInstances = await reresolveLinks(trx, accountId, changed);
    return result;
  });
}

/** Removes the user's links of `method` with these values (registrants: of that meeting), whatever their source; returns those that were there. */
async function removeLinks(db: Kysely<Database>, user: DirectoryUser, method: ListedLinkMethod, values: readonly ScopedValue[]): Promise<ScopedValue[]> {
  const removed: ScopedValue[] = [];
  for (const v of values) {
    let query = db.deleteFrom("directory_links").where("user_id", "=", user.id).where("method", "=", method).where("value", "=", v.value);
    // A customer key goes wherever it is linked: as the app gave it and scoped to the meetings SDK joins used it for.
    if (method !== "customer_key") query = query.where("scope", "=", v.scope);
    const result = await query.executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) removed.push(v);
  }
  return removed;
}
