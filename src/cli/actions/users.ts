import { importUsers, listUsers, readUserFile, removeUser } from "../../directory/index.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface AccountFlags extends StoreFlags {
  account: string;
}

/** `rollcall users import FILE`: upserts by `externalId` and re-resolves the past instances it affects. */
export async function runUsersImport(file: string, flags: AccountFlags): Promise<void> {
  const rows = readUserFile(file);
  const result = await withConfiguredStore(flags, (store, config) => importUsers(store, rows, { accountId: flags.account, privacy: privacySettingsFromConfig(config) }));
  process.stdout.write(
    `imported ${rows.length} users (${result.created} created, ${result.updated} updated); ` +
      `links: ${result.linksAdded} added, ${result.linksRemoved} removed; ${result.reresolvedInstances.length} instances marked for re-resolution\n`,
  );
}

/** `rollcall users list`: the users as JSON (e-mails and names as the privacy mode kept them). */
export async function runUsersList(flags: AccountFlags): Promise<void> {
  const list = await withConfiguredStore(flags, (store) => listUsers(store.db, flags.account));
  process.stdout.write(`${JSON.stringify(list.map(({ id: _id, ...user }) => user), null, 2)}\n`);
}

/** `rollcall users remove EXTERNAL_ID`: a user and their links. */
export async function runUsersRemove(externalId: string, flags: AccountFlags): Promise<void> {
  const removed = await withConfiguredStore(flags, (store) => removeUser(store.db, flags.account, externalId));
  if (!removed) throw new Error(`externalId: no user "${externalId}" in account "${flags.account}"`);
  process.stdout.write(`removed user ${externalId}\n`);
}
