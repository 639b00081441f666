import type { Command } from "commander";
import type { AddLinkFlags, ListLinksFlags, RemoveLinkFlags } from "../actions/links.js";
import { DEFAULT_ACCOUNT } from "../../directory/accounts.js";
import { identifierLinkMethods, storedLinkMethods } from "../../directory/link-methods.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall links add | list | remove`: records identifiers the app already has (registrant ids,
 * SDK customer keys, Zoom user ids, e-mails, name tokens) and manual links of one session to a user.
 * Every change re-resolves the past instances it may affect.
 * A manual link: `rollcall links add --manual --instance UUID --session KEY --user ID`.
 */
export function registerLinksCommand(program: Command): void {
  const links = program.command("links").description("links that recognise users: add, list, remove");
  const actions = () => import("../actions/links.js");
  const storeOptions = (command: Command) =>
    withStoreOptions(command)
      .option("--account <id>", `Zoom account id ("${DEFAULT_ACCOUNT}" = every account)`, DEFAULT_ACCOUNT);

  storeOptions(
    links
      .command("add")
      .description("add a link: --manual --instance UUID --session KEY --user ID, or --method M --value V --user ID [--meeting N]")
      .option("--manual", "link one session of one instance to a user by hand")
      .option("--instance <uuid>", "instance uuid (with --manual)")
      .option("--session <key>", "session key, as in `rollcall attendance` unresolved[].sessionKey (with --manual)")
      .option("--user <externalId>", "the app's id of the user")
      .option("--method <method>", `one of ${identifierLinkMethods.join(", ")}`)
      .option("--value <value>", "the identifier")
      .option("--meeting <id>", "meeting number (required for registrant_id; optional for a customer_key issued for one meeting)"),
  ).action(async (flags: AddLinkFlags) => (await actions()).runLinksAdd(flags));

  storeOptions(
    links
      .command("list")
      .description("print links as JSON")
      .option("--user <externalId>", "only this user's links")
      .option("--method <method>", `only one of ${storedLinkMethods.join(", ")}`),
  ).action(async (flags: ListLinksFlags) => (await actions()).runLinksList(flags));

  storeOptions(links.command("remove").description("remove a link by id (see `links list`)").requiredOption("--id <id>", "link id")).action(
    async (flags: RemoveLinkFlags) => (await actions()).runLinksRemove(flags),
  );
}
