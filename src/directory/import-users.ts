import type { Kysely } from "kysely";
import type { Link } from "../core/link.js";
import { withWriteTransaction, type Database, type RollcallDatabase } from "../store/index.js";
import { protectEmail, protectName, type PrivacySettings } from "../zoom/privacy/index.js";
import { asLink, linkListEntries, type ListedLinkMethod } from "./link-lists.js";
import { replaceLinksFromSource, type ScopedValue } from "./links-repository.js";
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
  /** Users per transaction (default 250): each commit holds the write lock only briefly. */
  chunkSize?: number;
  /**
   * SQLite: pause between chunks (default 100 ms). SQLite queues no one for its write lock: a
   * waiting server polls for it (every 100 ms at most), so an import that began its next chunk at
   * once could keep it from the lock for the whole import.
   */
  sqlitePauseMs?: number;
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
 * Upserts users by `externalId`, in transactions of `chunkSize` users each, so a large import next
 * to a running server holds the write lock only for short moments (on SQLite one writer at a time
 * means the server's commits wait meanwhile) and leaves it free between chunks (`sqlitePauseMs`). The
 * import is idempotent: if it stops half way, running it again finishes it. Upsert semantics, per field:
 * - `email`, `name`: set when given, kept when absent;
 * - each array (`zoomUserIds`, `customerKeys`, `nameTokens`, `registrants`) and `email` as a link:
 *   when given, the user's links of that method *made by import* become exactly that list;
 *   when absent, kept. Links learned from registrations, made by hand or by the API are never touched.
 * Then marks the instances whose resolutions the changed links may change (re-resolution).
 * Pass the store (not only its Kysely handle) so each chunk takes SQLite's write lock up front
 * (`BEGIN IMMEDIATE`), waiting for it instead of failing with "database is locked".
 */
export async function importUsers(target: RollcallDatabase | Kysely<Database>, rows: readonly UserImportRow[], options: ImportUsersOptions): Promise<ImportUsersResult> {
  const now = options.now ?? Date.now();
  const chunkSize = Math.max(1, options.chunkSize ?? 250);
  const pauseMs = "dialect" in target && target.dialect === "sqlite" ? (options.sqlitePauseMs ?? 100) : 0;
  const result: ImportUsersResult = { created: 0, updated: 0, linksAdded: 0, linksRemoved: 0, reresolvedInstances: [] };
  const reresolved = new Set<string>();
  const transaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    "dialect" in target ? withWriteTransaction(target, fn) : target.transaction().execute(fn);
  for (let start = 0; start < rows.length || start === 0; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const marked = await transaction(async (trx) => {
      const changed: Link[] = [];
      for (const given of chunk) {
        // Replace (`PUT /api/v1/users/{externalId}`): an absent field clears what was stored.
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
      // In the chunk's transaction: its links and the marks they cause commit together.
      return reresolveLinks(trx, options.accountId, changed);
    });
    for (const uuid of marked) reresolved.add(uuid);
    if (rows.length === 0) break;
    if (pauseMs > 0 && start + chunkSize < rows.length) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  result.reresolvedInstances = [...reresolved].sort();
  return result;
}

/** The link lists a row gives, by method: the e-mail as a link, then the identifier lists (absent ones left out, so their links are kept). */
function wantedLinks(row: UserImportRow, protectedEmail: string | null | undefined): Array<[ListedLinkMethod, ScopedValue[]]> {
  // Under `drop` the e-mail is not kept, so there is no e-mail link either (the method is off).
  const email: Array<[ListedLinkMethod, ScopedValue[]]> = protectedEmail === undefined ? [] : [["email", protectedEmail === null ? [] : [{ value: protectedEmail, scope: "" }]]];
  return [...email, ...linkListEntries(row)];
}
