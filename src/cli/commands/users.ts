import type { Command } from "commander";
import { DEFAULT_ACCOUNT, importUsers, listUsers, readUserFile, removeUser } from "../../directory/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";

interface AccountFlags extends StoreFlags {
  account: string;
}

/**
 * `rollcall users import FILE | list | remove EXTERNAL_ID`: the app's users and the identifiers
 * that recognise them. Import upserts by `externalId` and re-resolves past instances it affects.
 */
export function registerUsersCommand(program: Command): void {
  const users = program.command("users").description("the app's users: import, list, remove");
  const storeOptions = (command: Command) =>
    withStoreOptions(command)
      .option("--account <id>", `Zoom account id the users belong to ("${DEFAULT_ACCOUNT}" = every account)`, DEFAULT_ACCOUNT);

  storeOptions(
    users
      .command("import <file>")
      .description(
        "upsert users from a JSON array or CSV of {externalId, email?, name?, zoomUserIds?, customerKeys?, nameTokens?, registrants?: [{meetingId, registrantId}]}; " +
          'CSV arrays are "a;b" or JSON, registrants "meetingId:registrantId;…"',
      ),
  ).action(async (file: string, flags: AccountFlags) => {
    const rows = readUserFile(file);
    const result = await withConfiguredStore(flags, (store, config) => importUsers(store, rows, { accountId: flags.account, privacy: privacySettingsFromConfig(config) }));
    process.stdout.write(
      `imported ${rows.length} users (${result.created} created, ${result.updated} updated); ` +
        `links: ${result.linksAdded} added, ${result.linksRemoved} removed; ${result.reresolvedInstances.length} instances marked for re-resolution\n`,
    );
  });

  storeOptions(users.command("list").description("print the users as JSON (e-mails and names as the privacy mode kept them)")).action(async (flags: AccountFlags) => {
    const list = await withConfiguredStore(flags, (store) => listUsers(store.db, flags.account));
    process.stdout.write(`${JSON.stringify(list.map(({ id: _id, ...user }) => user), null, 2)}\n`);
  });

  storeOptions(users.command("remove <externalId>").description("remove a user and their links")).action(async (externalId: string, flags: AccountFlags) => {
    const removed = await withConfiguredStore(flags, (store) => removeUser(store.db, flags.account, externalId));
    if (!removed) throw new Error(`externalId: no user "${externalId}" in account "${flags.account}"`);
    process.stdout.write(`removed user ${externalId}\n`);
  });
}
