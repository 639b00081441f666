/**
 * What the app knows about who is who. A link maps an identifier Zoom may show to one app user
 * (`userId` is the app's own `externalId`).
 */
export type IdentifierLinkMethod = "customer_key" | "registrant_id" | "zoom_user_id" | "email" | "name_token";

export interface IdentifierLink {
  method: IdentifierLinkMethod;
  /** customer key, registrant id, Zoom user id, lower-cased (or hashed) e-mail, or name token. */
  value: string;
  userId: string;
  /** Registrant ids belong to one meeting number; other methods leave it undefined. */
  meetingId?: string;
}

/** A person said "this session is that user" (e.g. an unresolved guest linked by hand). */
export interface ManualLink {
  method: "manual";
  instanceUuid: string;
  sessionKey: string;
  userId: string;
}

export type Link = IdentifierLink | ManualLink;
