import type { Command } from "commander";
import type { IssueFlags } from "../actions/links-issue.js";
import { DEFAULT_ACCOUNT } from "../../directory/accounts.js";
import { joinLinkKinds } from "../../join-links/join-link-kinds.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall links issue --user ID | --users-file F --meeting N --kind registrant|sdk|name-token
 * [--json]`: issues join links through Zoom (registrants, Meeting SDK bundles) or display-name
 * tokens, stores them as `api` links, and prints the join URL, SDK bundle or display name.
 * Registered as `issue` under the directory's `links` command (a top-level `links-issue` when there
 * is no `links` command).
 */
export function registerLinksIssueCommand(program: Command): void {
  const links = program.commands.find((c) => c.name() === "links");
  const command = links ? links.command("issue") : program.command("links-issue");
  withStoreOptions(command)
    .description("issue join links (Zoom registrant, Meeting SDK customer key, or display-name token) for users and store them")
    .option("--user <externalId>", "the app's id of the user")
    .option("--users-file <file>", "many users: a JSON array of externalIds (or of {externalId}), or one externalId per line")
    .requiredOption("--meeting <id>", "meeting number")
    .requiredOption("--kind <kind>", `one of ${joinLinkKinds.join(", ")}`)
    .option("--email-domain <domain>", "domain of synthetic registrant e-mails for users without one (ROLLCALL_SYNTHETIC_EMAIL_DOMAIN)")
    .option("--json", "print JSON")
    .option("--account <id>", `directory account of the users ("${DEFAULT_ACCOUNT}" = every account)`, DEFAULT_ACCOUNT)
    .action(async (flags: IssueFlags) => (await import("../actions/links-issue.js")).runLinksIssue(flags));
}
