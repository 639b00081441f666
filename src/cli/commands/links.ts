import type { Command } from "commander";
import type { IdentifierLinkMethod } from "../../core/link.js";
import { DEFAULT_ACCOUNT, forgetLink, linkSessionManually, listLinks, recordLink, storedLinkMethods, type StoredLinkMethod } from "../../directory/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";

interface AddFlags extends StoreFlags {
  account: string;
  manual?: boolean;
  instance?: string;
  session?: string;
  user?: string;
  method?: string;
  value?: string;
  meeting?: string;
}

const identifierMethods = storedLinkMethods.filter((m): m is IdentifierLinkMethod => m !== "manual");

/**
 * `rollcall links add | list | remove`: records identifiers the app already has (registrant ids,
 * SDK customer keys, Zoom user ids, e-mails, name tokens) and manual links of one session to a user.
 * Every change re-resolves the past instances it may affect.
 * A manual link: `rollcall links add --manual --instance UUID --session KEY --user ID`.
 */
export function registerLinksCommand(program: Command): void {
  const links = program.command("links").description("links that recognise users: add, list, remove");
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
      .option("--method <method>", `one of ${identifierMethods.join(", ")}`)
      .option("--value <value>", "the identifier")
      .option("--meeting <id>", "meeting number (required for registrant_id; optional for a customer_key issued for one meeting)"),
  ).action(async (flags: AddFlags) => {
    if (flags.user === undefined) throw new Error("--user: expected the user's externalId");
    if (flags.manual) {
      if (flags.instance === undefined) throw new Error("--instance: expected the instance uuid (with --manual)");
      if (flags.session === undefined) throw new Error("--session: expected the session key (with --manual)");
      const marked = await withConfiguredStore(flags, (store) =>
        linkSessionManually(store.db, { instanceUuid: flags.instance!, sessionKey: flags.session!, externalId: flags.user! }),
      );
      process.stdout.write(`linked session ${flags.session} to ${flags.user}; ${marked.length} instance marked for re-resolution\n`);
      return;
    }
    if (flags.method === undefined || !(identifierMethods as string[]).includes(flags.method)) {
      throw new Error(`--method: expected one of ${identifierMethods.join(", ")} (or --manual)`);
    }
    if (flags.value === undefined) throw new Error("--value: expected the identifier");
    const result = await withConfiguredStore(flags, (store, config) =>
      recordLink(
        store.db,
        {
          accountId: flags.account,
          externalId: flags.user!,
          method: flags.method as IdentifierLinkMethod,
          value: flags.value!,
          ...(flags.meeting !== undefined ? { meetingId: flags.meeting } : {}),
          source: "manual",
        },
        privacySettingsFromConfig(config),
      ),
    );
    process.stdout.write(`${result.created ? "added" : "already present:"} ${flags.method} link for ${flags.user}; ${result.reresolvedInstances.length} instances marked for re-resolution\n`);
  });

  storeOptions(
    links
      .command("list")
      .description("print links as JSON")
      .option("--user <externalId>", "only this user's links")
      .option("--method <method>", `only one of ${storedLinkMethods.join(", ")}`),
  ).action(async (flags: StoreFlags & { account: string; user?: string; method?: string }) => {
    if (flags.method !== undefined && !(storedLinkMethods as string[]).includes(flags.method)) throw new Error(`--method: expected one of ${storedLinkMethods.join(", ")}`);
    const list = await withConfiguredStore(flags, (store) =>
      listLinks(store.db, flags.account, { ...(flags.user !== undefined ? { externalId: flags.user } : {}), ...(flags.method !== undefined ? { method: flags.method as StoredLinkMethod } : {}) }),
    );
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  });

  storeOptions(links.command("remove").description("remove a link by id (see `links list`)").requiredOption("--id <id>", "link id")).action(
    async (flags: StoreFlags & { account: string; id: string }) => {
      const id = Number(flags.id);
      if (!Number.isInteger(id) || id <= 0) throw new Error(`--id: expected a positive integer, got "${flags.id}"`);
      const { link, reresolvedInstances } = await withConfiguredStore(flags, (store) => forgetLink(store.db, flags.account, id));
      process.stdout.write(`removed ${link.method} link ${id} of ${link.externalId}; ${reresolvedInstances.length} instances marked for re-resolution\n`);
    },
  );
}
