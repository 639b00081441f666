import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import type { Database } from "../store/index.js";
import { protectEmail, protectName, type PrivacySettings } from "../zoom/privacy/index.js";
import { replaceLinksFromSource, type ScopedValue, type StoredLinkMethod } from "./links-repository.js";
import { reresolveLinks } from "./reresolve.js";
import type { UserImportRow } from "./user-import-schema.js";
import { upsertUser } from "./users-repository.js";

export interface ImportUsersOptions {
  /** Account the users belong to; `*` (default) = every account. */
  accountId: string;
  /** E-mails and names are kept as the privacy mode allows (hashed or not at all). */
  privacy: PrivacySettings;
  now?: number;
  /**
   * Replace instead of upsert (`PUT /api/v1/users/{externalId}`): an absent field clears the
   * stored value (e-mail and name become null, each absent array an empty list of import links).
   */
  replace?: boolean;
}

export interface ImportUsersResult {
  created: number;
  updated: number;
  linksAdded: number;
  linksRemoved: number;
  /** Instances marked for re-resolution because their sessions showed an added or removed identifier. */
  reresolvedInstances: string[];
}

/**
 * Upserts users by `externalId`, in one transaction. Upsert semantics, per field:
 * - `email`, `name`: set when given, kept when absent;
 * - each array (`zoomUserIds`, `customerKeys`, `nameTokens`, `registrants`) and `email` as a link:
 *   when given, the user's links of that method *made by import* become exactly that list;
 *   when absent, kept. Links learned from registrations, made by hand or by the API are never touched.
 * Then marks the instances whose resolutions the changed links may change (re-resolution).
 *
 * @example
 * const rows = readUserFile("users.json");
 * await importUsers(store.db, rows, { accountId: "*", privacy: { privacy: "store" } });
 */
export async function importUsers(db: Kysely<Database>, rows: readonly UserImportRow[], options: ImportUsersOptions): Promise<ImportUsersResult> {
  const now = options.now ?? Date.now();
  return db.transaction().execute(async (trx) => {
    const result: ImportUsersResult = { created: 0, updated: 0, linksAdded: 0, linksRemoved: 0, reresolvedInstances: [] };
    const changed: Link[] = [];
    for (const given of rows) {
      const row = options.replace ? { zoomUserIds: [], customerKeys: [], nameTokens: [], registrants: [], ...given } : given;
      const absent = options.replace ? null : undefined;
      const email = row.email === undefined ? absent : (protectEmail(row.email, options.privacy) ?? null);
      const name = row.name === undefined ? absent : (protectName(row.name, options.privacy) ?? null);
      const { user, created } = await upsertUser(trx, { accountId: options.accountId, externalId: row.externalId, email, name }, now);
      if (created) result.created++;
      else result.updated++;
      for (const [method, wanted] of wantedLinks(row, email)) {
        const { added, removed } = await replaceLinksFromSource(trx, user, method, "import", wanted, now);
        result.linksAdded += added.length;
        result.linksRemoved += removed.length;
        for (const v of [...added, ...removed]) changed.push(asLink(method, v, user.externalId));
      }
    }
    result.reresolvedInstances = await reresolveLinks(trx, options.accountId, changed);
    return result;
  });
}

/** The link lists a row gives, by method (absent fields are left out, so their links are kept). */
function wantedLinks(row: UserImportRow, protectedEmail: string | null | undefined): Array<[Exclude<StoredLinkMethod, "manual">, ScopedValue[]]> {
  const out: Array<[Exclude<StoredLinkMethod, "manual">, ScopedValue[]]> = [];
  const plain = (values: string[]) => [...new Set(values)].map((value) => ({ value, scope: "" }));
  // Under `drop` the e-mail is not kept, so there is no e-mail link either (the method is off).
  if (protectedEmail !== undefined) out.push(["email", protectedEmail === null ? [] : [{ value: protectedEmail, scope: "" }]]);
  if (row.zoomUserIds) out.push(["zoom_user_id", plain(row.zoomUserIds)]);
  if (row.customerKeys) out.push(["customer_key", plain(row.customerKeys)]);
  if (row.nameTokens) out.push(["name_token", plain(row.nameTokens)]);
  if (row.registrants) out.push(["registrant_id", row.registrants.map((r) => ({ value: r.registrantId, scope: r.meetingId }))]);
  return out;
}

function asLink(method: Exclude<StoredLinkMethod, "manual">, v: ScopedValue, userId: string): Link {
  const link: Link = { method, value: v.value, userId };
  if (v.scope !== "") link.meetingId = v.scope;
  return link;
}
