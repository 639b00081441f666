import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_ACCOUNT } from "../../directory/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { issueJoinLinks, joinLinkKinds, type IssuedJoinLink, type JoinLinkKind } from "../../reconcile/index.js";
import { zoomApiFromConfig } from "../../zoom/api/index.js";
import { meetingSdkFromConfig } from "../../zoom/sdk/sdk-credentials.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";

interface IssueFlags extends StoreFlags {
  user?: string;
  usersFile?: string;
  meeting: string;
  kind: string;
  account: string;
  emailDomain?: string;
  json?: boolean;
}

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
    .action(async (flags: IssueFlags) => {
      if (!(joinLinkKinds as string[]).includes(flags.kind)) throw new Error(`--kind: expected one of ${joinLinkKinds.join(", ")}, got "${flags.kind}"`);
      if ((flags.user === undefined) === (flags.usersFile === undefined)) throw new Error("expected exactly one of --user ID or --users-file FILE");
      const externalIds = flags.user !== undefined ? [flags.user] : readUsersFile(flags.usersFile!);
      const kind = flags.kind as JoinLinkKind;
      const issued = await withConfiguredStore(flags, async (store, config) => {
        const privacy = privacySettingsFromConfig(config);
        const zoom = kind === "registrant" ? zoomApiFromConfig(config) : undefined;
        if (zoom && !zoom.ok) throw new Error(`registrant links need Zoom's REST API. ${zoom.error.message}`);
        const sdk = kind === "sdk" ? meetingSdkFromConfig(config) : undefined;
        if (sdk && !sdk.ok) throw new Error(sdk.error.message);
        const domain = flags.emailDomain ?? config.syntheticEmailDomain;
        return issueJoinLinks(store.db, {
          accountId: flags.account,
          externalIds,
          meetingId: flags.meeting,
          kind,
          privacy,
          ...(zoom?.ok ? { zoom: zoom.client } : {}),
          ...(sdk?.ok ? { sdk: sdk.credentials } : {}),
          ...(domain ? { syntheticEmailDomain: domain } : {}),
        });
      });
      process.stdout.write(flags.json ? `${JSON.stringify(issued.map(toJson), null, 2)}\n` : `${issued.map(toLine).join("\n")}\n`);
    });
}

function toJson(i: IssuedJoinLink) {
  return { externalId: i.externalId, kind: i.kind, method: i.link.method, value: i.link.value, created: i.created, ...(i.joinUrl ? { joinUrl: i.joinUrl } : {}), ...(i.bundle ? { bundle: i.bundle } : {}), ...(i.displayName ? { displayName: i.displayName } : {}) };
}

function toLine(i: IssuedJoinLink): string {
  const shown = i.joinUrl ?? i.displayName ?? JSON.stringify(i.bundle);
  return `${i.externalId}\t${i.link.method}=${i.link.value}\t${shown}`;
}

/** externalIds from a JSON array (strings or {externalId}) or from lines. */
function readUsersFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`--users-file: cannot read ${path}: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`--users-file: ${path} starts like JSON but is not valid JSON`);
    }
    return (parsed as unknown[]).map((item, i) => {
      const id = typeof item === "string" ? item : typeof item === "object" && item !== null ? (item as { externalId?: unknown }).externalId : undefined;
      if (typeof id !== "string" || id.trim() === "") throw new Error(`--users-file: item ${i}: expected an externalId string or {"externalId": "…"}`);
      return id.trim();
    });
  }
  const ids = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (ids.length === 0) throw new Error(`--users-file: ${path} names no users`);
  return ids;
}
