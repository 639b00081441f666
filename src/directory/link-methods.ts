import type { IdentifierLinkMethod } from "../core/link.js";

/** Methods a stored link can have: the engine's identifier methods plus `manual` session links. */
export type StoredLinkMethod = "customer_key" | "registrant_id" | "zoom_user_id" | "email" | "name_token" | "manual";

export const storedLinkMethods: readonly StoredLinkMethod[] = ["customer_key", "registrant_id", "zoom_user_id", "email", "name_token", "manual"];

/** The stored methods that carry an identifier (every one but `manual`, which links a session). */
export const identifierLinkMethods: readonly IdentifierLinkMethod[] = storedLinkMethods.filter((m): m is IdentifierLinkMethod => m !== "manual");
