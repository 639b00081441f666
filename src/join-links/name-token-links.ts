import { JoinLinkError, requireExternalId, type AppUser, type JoinLink } from "./app-user.js";
import { opaqueToken } from "./opaque-token.js";

/** Rollcall's privacy modes (`ROLLCALL_PRIVACY`). */
export type PrivacyMode = "store" | "hash" | "drop";

/** Length of generated name tokens: short enough to sit in a display name. */
export const NAME_TOKEN_LENGTH = 6;

/**
 * The default pattern that finds a name token in a display name (named group `token`), matching
 * what {@link issueNameToken} produces: `"Dana [rc:7f3k2a]"`.
 */
export const DEFAULT_NAME_TOKEN_PATTERN = /\[rc:(?<token>[a-z0-9]{4,12})\]/;

/** A display-name token link: weaker than the others. */
export interface NameTokenLink {
  link: JoinLink & { method: "name_token" };
  /** The display name to join with, token embedded. */
  displayName: string;
  confidence: "weak";
  note: string;
}

/** A name token is refused under a privacy mode that keeps no names. */
export class NameTokenRefusedError extends JoinLinkError {
  override name = "NameTokenRefusedError";
}

/**
 * Issues a display name with an embedded random token, for apps that can neither register users
 * nor embed the Meeting SDK. Weak: people rename themselves and HIPAA/BAA accounts blank names.
 * Refused when the privacy mode is `hash` or `drop`, because names are then never read.
 * The name reads like `Dana [rc:7f3k2a]`.
 */
export function issueNameToken(user: AppUser, options: { privacy: PrivacyMode }): NameTokenLink {
  requireExternalId(user);
  if (options.privacy !== "store") {
    throw new NameTokenRefusedError(
      "privacy",
      `privacy: name tokens need ROLLCALL_PRIVACY=store; under "${options.privacy}" display names are not kept, so the token could never be read. Use a registrant or SDK link.`,
    );
  }
  const token = opaqueToken(NAME_TOKEN_LENGTH, "lower");
  const base = (user.name?.trim() || "Participant").replace(/\[rc:[^\]]*\]/g, "").trim();
  return {
    link: { method: "name_token", value: token, userId: user.externalId },
    displayName: `${base} [rc:${token}]`,
    confidence: "weak",
    note: "Display names can be edited by the participant and are blanked on HIPAA/BAA accounts; prefer a registrant or SDK link.",
  };
}
