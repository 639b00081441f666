import type { Kysely } from "kysely";
import type { Database, RollcallDatabase } from "../store/index.js";
import { protectEmail, protectName, type PrivacySettings } from "../zoom/privacy/index.js";
import { importChunk, type PreparedUser } from "./import-chunk.js";
import { inWriteTransaction } from "./write-target.js";
import { linkListEntries, type ListedLinkMethod } from "./link-lists.js";
import type { ScopedValue } from "./links-repository.js";
import { reresolveLinks } from "./reresolve.js";
import type { UserImportRow } from "./user-import-schema.js";

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
  /**
   * Stops the import between chunks (the service is stopping): what committed stays, the rest is
   * not done, and {@link ImportInterruptedError} says how far it got. Running it again finishes it.
   */
  signal?: AbortSignal;
}

/** The import stopped between chunks because its `signal` fired: `done` of `total` rows committed. */
export class ImportInterruptedError extends Error {
  override name = "ImportInterruptedError";
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`the import stopped after ${done} of ${total} users (the service is stopping); importing the same rows again finishes it`);
  }
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
  const transaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => inWriteTransaction(target, fn);
  for (let start = 0; start < rows.length || start === 0; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const marked = await transaction(async (trx) => {
      const done = await importChunk(trx, options.accountId, chunk.map((row) => prepareUser(row, options)), now);
      result.created += done.created;
      result.updated += done.updated;
      result.linksAdded += done.linksAdded;
      result.linksRemoved += done.linksRemoved;
      // In the chunk's transaction: its links and the marks they cause commit together.
      return reresolveLinks(trx, options.accountId, done.changed);
    });
    for (const uuid of marked) reresolved.add(uuid);
    if (rows.length === 0 || start + chunkSize >= rows.length) break;
    if (options.signal?.aborted) throw new ImportInterruptedError(start + chunk.length, rows.length);
    // SQLite's driver is synchronous: without a turn of the event loop between chunks, an import on
    // a server's own connection would answer nothing else until it ends.
    await new Promise((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
  }
  result.reresolvedInstances = [...reresolved].sort();
  return result;
}

/** A row as it will be stored: e-mail and name as the privacy mode keeps them, and its link lists. */
function prepareUser(given: UserImportRow, options: ImportUsersOptions): PreparedUser {
  // Replace (`PUT /api/v1/users/{externalId}`): an absent field clears what was stored.
  const row = options.replace ? { zoomUserIds: [], customerKeys: [], nameTokens: [], registrants: [], ...given } : given;
  const absent = options.replace ? null : undefined;
  const email = row.email === undefined ? absent : (protectEmail(row.email, options.privacy) ?? null);
  const name = row.name === undefined ? absent : (protectName(row.name, options.privacy) ?? null);
  // Under `drop` the e-mail is not kept, so there is no e-mail link either (the method is off).
  const emailList: Array<[ListedLinkMethod, ScopedValue[]]> = email === undefined ? [] : [["email", email === null ? [] : [{ value: email, scope: "" }]]];
  return { externalId: row.externalId, email, name, lists: [...emailList, ...linkListEntries(row)] };
}
