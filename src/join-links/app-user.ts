import type { IdentifierLink } from "../core/link.js";

/** A user of the app, as the app knows them. */
export interface AppUser {
  /** The app's own id for the user; becomes `userId` of the link. */
  externalId: string;
  email?: string;
  /** Display name, e.g. "Dana Example". */
  name?: string;
}

/** A join-link request that cannot be honoured; `field` names what is wrong. */
export class JoinLinkError extends Error {
  override name = "JoinLinkError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The link to store so Rollcall can recognise the user later (the `src/core` link shape). */
export type JoinLink = IdentifierLink;

/** Checks the user has an `externalId`; every link needs one. */
export function requireExternalId(user: AppUser): void {
  if (typeof user.externalId !== "string" || user.externalId.trim() === "") {
    throw new JoinLinkError("externalId", "externalId: expected the app's non-empty id for the user");
  }
}
