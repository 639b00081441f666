import { BATCH_REGISTRANTS_LIMIT, type ZoomApiClient } from "../zoom/api/client.js";
import type { RegistrantInput } from "../zoom/api/types.js";
import { JoinLinkError, requireExternalId, type AppUser, type JoinLink } from "./app-user.js";
import { opaqueToken } from "./opaque-token.js";

/** A registrant link: the stored identifier plus the personal join URL to hand to the user. */
export interface RegistrantJoinLink {
  link: JoinLink & { method: "registrant_id"; meetingId: string };
  /** Personal `join_url`; one person at a time can use it. */
  joinUrl: string;
  /** The registrant token (`tk`) from the join URL, for Meeting SDK joins of registration-required meetings. */
  tk?: string;
  /** The e-mail Zoom holds for the registrant (synthetic when the user had none). */
  registrantEmail: string;
}

/** Options of registrant issuance. */
export interface RegistrantLinkOptions {
  /** Domain of synthetic registrant e-mails for users without one (Zoom's ISV guidance), e.g. `isv.example.com`. */
  syntheticEmailDomain: string;
  /** Meeting type, when known; otherwise it is read with GET /meetings/{id} to choose batch or single calls. */
  meetingType?: number;
}

/**
 * Registers one user with Zoom (`auto_approve`) and returns the `registrant_id` link with the
 * user's personal join URL. A user without an e-mail is registered as `rc-<random>@<domain>`.
 * The caller stores the link (e.g. with `recordLink`) and sends the join URL to the user.
 */
export async function issueRegistrantLink(zoom: ZoomApiClient, meetingId: number | string, user: AppUser, options: RegistrantLinkOptions): Promise<RegistrantJoinLink> {
  const input = registrantInput(user, options.syntheticEmailDomain);
  const added = await zoom.addRegistrant(meetingId, input);
  return joinLink(meetingId, user, input.email, added.registrant_id, added.join_url);
}

/**
 * Registers many users: `batch_registrants` (≤30 per call) for scheduled meetings (type 2), which
 * Zoom supports only there, and one call per user otherwise. Results keep the input order.
 * Users must have distinct e-mails: Zoom would give two users with one e-mail the same registrant.
 */
export async function issueRegistrantLinks(zoom: ZoomApiClient, meetingId: number | string, users: AppUser[], options: RegistrantLinkOptions): Promise<RegistrantJoinLink[]> {
  const inputs = users.map((user) => registrantInput(user, options.syntheticEmailDomain));
  const seen = new Map<string, string>();
  inputs.forEach((input, i) => {
    const key = input.email.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new JoinLinkError("email", `email: users "${other}" and "${users[i]!.externalId}" share one e-mail; each registrant needs its own`);
    }
    seen.set(key, users[i]!.externalId);
  });
  const type = options.meetingType ?? (await zoom.getMeeting(meetingId)).type;
  if (type !== 2 || users.length === 1) {
    const links: RegistrantJoinLink[] = [];
    for (const [i, user] of users.entries()) {
      const added = await zoom.addRegistrant(meetingId, inputs[i]!);
      links.push(joinLink(meetingId, user, inputs[i]!.email, added.registrant_id, added.join_url));
    }
    return links;
  }
  const added = await zoom.addRegistrantsBatch(meetingId, inputs);
  const byEmail = new Map(added.map((r) => [r.email.toLowerCase(), r]));
  return users.map((user, i) => {
    const registrant = byEmail.get(inputs[i]!.email.toLowerCase());
    if (!registrant) {
      throw new JoinLinkError("email", `Zoom's batch answer has no registrant for user "${user.externalId}" (batches of ${BATCH_REGISTRANTS_LIMIT})`);
    }
    return joinLink(meetingId, user, inputs[i]!.email, registrant.registrant_id, registrant.join_url);
  });
}

/** Zoom's registrant body for a user: real or synthetic e-mail, first/last name from the display name. */
function registrantInput(user: AppUser, domain: string): RegistrantInput {
  requireExternalId(user);
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) {
    throw new JoinLinkError("syntheticEmailDomain", `syntheticEmailDomain: expected a domain such as "isv.example.com", got "${domain}"`);
  }
  const email = user.email?.trim() || `rc-${opaqueToken(16, "lower")}@${domain}`;
  const [first, ...rest] = (user.name?.trim() || "Participant").split(/\s+/);
  return { email, first_name: first!.slice(0, 64), ...(rest.length ? { last_name: rest.join(" ").slice(0, 64) } : {}) };
}

function joinLink(meetingId: number | string, user: AppUser, email: string, registrantId: string, joinUrl: string): RegistrantJoinLink {
  let tk: string | undefined;
  try {
    tk = new URL(joinUrl).searchParams.get("tk") ?? undefined;
  } catch {
    tk = undefined; // Zoom's URL format is not guaranteed; the link works without tk
  }
  return {
    link: { method: "registrant_id", value: registrantId, userId: user.externalId, meetingId: String(meetingId) },
    joinUrl,
    ...(tk ? { tk } : {}),
    registrantEmail: email,
  };
}
