import { readFileSync } from "node:fs";
import { issueJoinLinks, joinLinkKinds, type IssuedJoinLink, type JoinLinkKind } from "../../join-links/index.js";
import { zoomApiFromConfig } from "../../zoom/api/index.js";
import { meetingSdkFromConfig } from "../../zoom/sdk/sdk-credentials.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface IssueFlags extends StoreFlags {
  user?: string;
  usersFile?: string;
  meeting: string;
  kind: string;
  account: string;
  emailDomain?: string;
  json?: boolean;
}

/** `rollcall links issue`: issues join links for users, stores them as `api` links and prints them. */
export async function runLinksIssue(flags: IssueFlags): Promise<void> {
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
    return issueJoinLinks(store, {
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
