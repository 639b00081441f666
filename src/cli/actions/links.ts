import type { IdentifierLinkMethod } from "../../core/link.js";
import { forgetLink, linkSessionManually, listLinks, recordLink, storedLinkMethods, type StoredLinkMethod } from "../../directory/index.js";
import { identifierLinkMethods } from "../../directory/link-methods.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface AddLinkFlags extends StoreFlags {
  account: string;
  manual?: boolean;
  instance?: string;
  session?: string;
  user?: string;
  method?: string;
  value?: string;
  meeting?: string;
}

export type ListLinksFlags = StoreFlags & { account: string; user?: string; method?: string };
export type RemoveLinkFlags = StoreFlags & { account: string; id: string };

/** `rollcall links add`: a manual session link, or an identifier link; either re-resolves the instances it may affect. */
export async function runLinksAdd(flags: AddLinkFlags): Promise<void> {
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
  if (flags.method === undefined || !(identifierLinkMethods as string[]).includes(flags.method)) {
    throw new Error(`--method: expected one of ${identifierLinkMethods.join(", ")} (or --manual)`);
  }
  if (flags.value === undefined) throw new Error("--value: expected the identifier");
  const result = await withConfiguredStore(flags, (store, config) =>
    recordLink(
      store,
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
}

/** `rollcall links list`: links as JSON. */
export async function runLinksList(flags: ListLinksFlags): Promise<void> {
  if (flags.method !== undefined && !(storedLinkMethods as string[]).includes(flags.method)) throw new Error(`--method: expected one of ${storedLinkMethods.join(", ")}`);
  const list = await withConfiguredStore(flags, (store) =>
    listLinks(store.db, flags.account, { ...(flags.user !== undefined ? { externalId: flags.user } : {}), ...(flags.method !== undefined ? { method: flags.method as StoredLinkMethod } : {}) }),
  );
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
}

/** `rollcall links remove --id ID`. */
export async function runLinksRemove(flags: RemoveLinkFlags): Promise<void> {
  const id = Number(flags.id);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`--id: expected a positive integer, got "${flags.id}"`);
  const { link, reresolvedInstances } = await withConfiguredStore(flags, (store) => forgetLink(store, flags.account, id));
  process.stdout.write(`removed ${link.method} link ${id} of ${link.externalId}; ${reresolvedInstances.length} instances marked for re-resolution\n`);
}
