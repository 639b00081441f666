import type { Command } from "commander";
import type { AccountFlags } from "../actions/users.js";
import { DEFAULT_ACCOUNT } from "../../directory/accounts.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall users import FILE | list | remove EXTERNAL_ID`: the app's users and the identifiers
 * that recognise them. Import upserts by `externalId` and re-resolves past instances it affects.
 */
export function registerUsersCommand(program: Command): void {
  const users = program.command("users").description("the app's users: import, list, remove");
  const actions = () => import("../actions/users.js");
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
  ).action(async (file: string, flags: AccountFlags) => (await actions()).runUsersImport(file, flags));

  storeOptions(users.command("list").description("print the users as JSON (e-mails and names as the privacy mode kept them)")).action(async (flags: AccountFlags) =>
    (await actions()).runUsersList(flags),
  );

  storeOptions(users.command("remove <externalId>").description("remove a user and their links")).action(async (externalId: string, flags: AccountFlags) =>
    (await actions()).runUsersRemove(externalId, flags),
  );
}
