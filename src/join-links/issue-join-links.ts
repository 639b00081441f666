import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ZoomApiClient } from "../zoom/api/index.js";
import { issueNameToken, issueRegistrantLinks, issueSdkJoin, JoinLinkError, type AppUser, type JoinLink, type SdkJoinBundle } from "./index.js";
import type { PrivacySettings } from "../zoom/privacy/index.js";
import type { MeetingSdkCredentials } from "../zoom/sdk/sdk-credentials.js";
import { recordLink } from "../directory/record-link.js";
import { findUser } from "../directory/users-repository.js";
import type { JoinLinkKind } from "./join-link-kinds.js";

export { joinLinkKinds, type JoinLinkKind } from "./join-link-kinds.js";

/** What to issue, for whom. */
export interface IssueJoinLinksRequest {
  /** Directory account of the users (`*` for the default). */
  accountId: string;
  externalIds: string[];
  /** Meeting number. */
  meetingId: string;
  kind: JoinLinkKind;
  privacy: PrivacySettings;
  /** For `registrant`: the Zoom REST client. */
  zoom?: ZoomApiClient;
  /** For `sdk`: Meeting SDK credentials. */
  sdk?: MeetingSdkCredentials;
  /** For `registrant`: domain of synthetic registrant e-mails for users Rollcall has no e-mail for. */
  syntheticEmailDomain?: string;
}

/** One issued link: what to hand to the user, and the stored link. */
export interface IssuedJoinLink {
  externalId: string;
  kind: JoinLinkKind;
  link: JoinLink;
  /** `registrant`: the personal join URL. */
  joinUrl?: string;
  /** `sdk`: the bundle for the Meeting SDK's `join()`. */
  bundle?: SdkJoinBundle;
  /** `name-token`: the display name to join with. */
  displayName?: string;
  /** False when the same link was already stored. */
  created: boolean;
}

/**
 * Issues join links for users of the directory and stores each as an `api` link, so Rollcall
 * recognises them when they join: a Zoom registrant (batched for many users), a Meeting SDK bundle
 * with a random customer key, or a display-name token. Storing re-resolves past instances the link
 * may change. The library side of `rollcall links issue` (and of the HTTP API to come).
 */
export async function issueJoinLinks(db: Kysely<Database>, request: IssueJoinLinksRequest): Promise<IssuedJoinLink[]> {
  if (!/^\d{9,12}$/.test(request.meetingId)) throw new JoinLinkError("meeting", `--meeting: expected a meeting number (9 to 12 digits), got "${request.meetingId}"`);
  if (request.externalIds.length === 0) throw new JoinLinkError("user", "--user: expected at least one user");
  const users: AppUser[] = [];
  for (const externalId of request.externalIds) {
    const user = await findUser(db, request.accountId, externalId);
    if (!user) throw new JoinLinkError("user", `--user: no user with externalId "${externalId}" in account "${request.accountId}"; import it first (rollcall users import)`);
    // Under hash/drop the directory holds hashes or nothing: never send those to Zoom as an address or a name.
    const readable = request.privacy.privacy === "store";
    users.push({ externalId, ...(readable && user.email ? { email: user.email } : {}), ...(readable && user.name ? { name: user.name } : {}) });
  }

  const issued: Omit<IssuedJoinLink, "created">[] = [];
  if (request.kind === "registrant") {
    if (!request.zoom) throw new JoinLinkError("zoom", "registrant links need Zoom's Server-to-Server OAuth credentials (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)");
    const links = await issueRegistrantLinks(request.zoom, Number(request.meetingId), users, { syntheticEmailDomain: request.syntheticEmailDomain ?? "users.rollcall.invalid" });
    links.forEach((l, i) => issued.push({ externalId: users[i]!.externalId, kind: "registrant", link: l.link, joinUrl: l.joinUrl }));
  } else if (request.kind === "sdk") {
    if (!request.sdk) throw new JoinLinkError("sdk", "SDK join links need Meeting SDK credentials (ZOOM_SDK_KEY, ZOOM_SDK_SECRET)");
    for (const user of users) {
      const { link, bundle } = issueSdkJoin(request.sdk, request.meetingId, user);
      issued.push({ externalId: user.externalId, kind: "sdk", link, bundle });
    }
  } else {
    for (const user of users) {
      const { link, displayName } = issueNameToken(user, { privacy: request.privacy.privacy });
      issued.push({ externalId: user.externalId, kind: "name-token", link, displayName });
    }
  }

  const out: IssuedJoinLink[] = [];
  for (const item of issued) {
    const { created } = await recordLink(
      db,
      // A customer key issued here belongs to this meeting's join; registrant ids always do.
      { accountId: request.accountId, externalId: item.externalId, method: item.link.method, value: item.link.value, ...(item.link.method !== "name_token" ? { meetingId: request.meetingId } : {}), source: "api" },
      request.privacy,
    );
    out.push({ ...item, created });
  }
  return out;
}
