import type { Kysely, Transaction } from "kysely";
import type { Link } from "../core/link.js";
import { reresolveForLinks } from "../store/derived/index.js";
import type { Database } from "../store/index.js";
import { DEFAULT_ACCOUNT } from "./accounts.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Asks the pipeline to recompute the instances whose resolutions changed links may change (late
 * knowledge corrects old attendance). Links of the default account (`*`) apply to every account,
 * so every account with instances is searched. Call it in the transaction that changed the links.
 *
 * @param links the links added, or removed (as they were before removal).
 * @returns the instance uuids marked for re-resolution.
 */
export async function reresolveLinks(db: Db, accountId: string, links: readonly Link[]): Promise<string[]> {
  if (links.length === 0) return [];
  const accounts = accountId === DEFAULT_ACCOUNT ? await accountsWithInstances(db) : [accountId];
  const marked: string[] = [];
  for (const account of accounts) marked.push(...(await reresolveForLinks(db, account, links)));
  return [...new Set(marked)].sort();
}

async function accountsWithInstances(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("instances").select("account_id").distinct().execute();
  return rows.map((r) => r.account_id);
}
