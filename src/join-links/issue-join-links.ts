import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ZoomApiClient } from "../zoom/api/index.js";
import { JoinLinkError, type AppUser, type JoinLink } from "./app-user.js";
import { existingCustomerKey, existingRegistrant } from "./existing-links.js";
import { issueNameToken } from "./name-token-links.js";
import { issueRegistrantLinks } from "./registrant-links.js";
import { issueSdkJoin, type SdkJoinBundle } from "./sdk-links.js";
import type { PrivacySettings } from "../zoom/privacy/index.js";
import type { MeetingSdkCredentials } from "../zoom/sdk/sdk-credentials.js";
import { recordLink } from "../directory/record-link.js";
import { readerOf, type WriteTarget } from "../directory/write-target.js";
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
  /** False when the identifier already existed: the user's own customer key or registrant was reused, or the same link was stored. */
  created: boolean;
}

type Unstored = Omit<IssuedJoinLink, "created"> & { reused: boolean };

/**
 * Issues join links for users of the directory and stores each as an `api` link, so Rollcall
 * recognises them when they join. The user's own identifiers are reused, so repeated calls never
 * pile them up: a Zoom registrant of the meeting the user already has (read back from Zoom with
 * its join URL), else a new one (batched for many users); for a Meeting SDK bundle the user's own
 * customer key (see {@link existingCustomerKey}), else a random one; a display-name token is new each
 * time. Storing re-resolves past instances the link may change. The library side of
 * `rollcall links issue` and `POST /api/v1/join-links`.
 */
export async function issueJoinLinks(target: WriteTarget, request: IssueJoinLinksRequest): Promise<IssuedJoinLink[]> {
  const db = readerOf(target);
  if (!/^\d{9,12}$/.test(request.meetingId)) throw new JoinLinkError("meeting", `--meeting: expected a meeting number (9 to 12 digits), got "${request.meetingId}"`);
  if (request.externalIds.length === 0) throw new JoinLinkError("user", "--user: expected at least one user");
  const users = await appUsers(db, request);
  const issued =
    request.kind === "registrant"
      ? await registrantLinks(db, request, users)
      : request.kind === "sdk"
        ? await sdkLinks(db, request, users)
        : users.map((user): Unstored => ({ externalId: user.externalId, kind: "name-token", reused: false, ...issueNameToken(user, { privacy: request.privacy.privacy }) }));

  const out: IssuedJoinLink[] = [];
  for (const { reused, ...item } of issued) {
    const { created } = await recordLink(
      target,
      // A customer key used here belongs to this meeting's join (it makes the user expected there); registrant ids always do.
      { accountId: request.accountId, externalId: item.externalId, method: item.link.method, value: item.link.value, ...(item.link.method !== "name_token" ? { meetingId: request.meetingId } : {}), source: "api" },
      request.privacy,
    );
    out.push({ ...item, created: created && !reused });
  }
  return out;
}

/** The directory's users, with e-mail and name only where the privacy mode keeps them readable. */
async function appUsers(db: Kysely<Database>, request: IssueJoinLinksRequest): Promise<AppUser[]> {
  const users: AppUser[] = [];
  for (const externalId of request.externalIds) {
    const user = await findUser(db, request.accountId, externalId);
    if (!user) throw new JoinLinkError("user", `--user: no user with externalId "${externalId}" in account "${request.accountId}"; import it first (rollcall users import)`);
    // Under hash/drop the directory holds hashes or nothing: never send those to Zoom as an address or a name.
    const readable = request.privacy.privacy === "store";
    users.push({ externalId, ...(readable && user.email ? { email: user.email } : {}), ...(readable && user.name ? { name: user.name } : {}) });
  }
  return users;
}

/** Registrant links: each user's existing registrant of the meeting, the others registered (batched), in the users' order. */
async function registrantLinks(db: Kysely<Database>, request: IssueJoinLinksRequest, users: AppUser[]): Promise<Unstored[]> {
  const zoom = request.zoom;
  if (!zoom) throw new JoinLinkError("zoom", "registrant links need Zoom's Server-to-Server OAuth credentials (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)");
  const byUser = new Map<string, Unstored>();
  const fresh: AppUser[] = [];
  for (const user of users) {
    const again = await existingRegistrant(db, zoom, request.accountId, user, request.meetingId);
    if (again) byUser.set(user.externalId, { externalId: user.externalId, kind: "registrant", link: again.link, joinUrl: again.joinUrl, reused: true });
    else fresh.push(user);
  }
  if (fresh.length > 0) {
    const links = await issueRegistrantLinks(zoom, Number(request.meetingId), fresh, { syntheticEmailDomain: request.syntheticEmailDomain ?? "users.rollcall.invalid" });
    links.forEach((l, i) => byUser.set(fresh[i]!.externalId, { externalId: fresh[i]!.externalId, kind: "registrant", link: l.link, joinUrl: l.joinUrl, reused: false }));
  }
  return users.map((u) => byUser.get(u.externalId)!);
}

/** SDK bundles, each with the user's own customer key when they have one. */
async function sdkLinks(db: Kysely<Database>, request: IssueJoinLinksRequest, users: AppUser[]): Promise<Unstored[]> {
  const sdk = request.sdk;
  if (!sdk) throw new JoinLinkError("sdk", "SDK join links need Meeting SDK credentials (ZOOM_SDK_KEY, ZOOM_SDK_SECRET)");
  const out: Unstored[] = [];
  for (const user of users) {
    const customerKey = await existingCustomerKey(db, request.accountId, user.externalId, request.meetingId);
    const { link, bundle } = issueSdkJoin(sdk, request.meetingId, user, customerKey !== undefined ? { customerKey } : {});
    out.push({ externalId: user.externalId, kind: "sdk", link, bundle, reused: customerKey !== undefined });
  }
  return out;
}
