import { meetingSdkSignature, type MeetingSdkSignatureInput } from "../zoom/sdk/meeting-sdk-signature.js";
import type { MeetingSdkCredentials } from "../zoom/sdk/sdk-credentials.js";
import { JoinLinkError, requireExternalId, type AppUser, type JoinLink } from "./app-user.js";
import { opaqueToken } from "./opaque-token.js";

/** Length of generated customer keys: short, yet 62^20 ≈ 2^119 possibilities. */
export const CUSTOMER_KEY_LENGTH = 20;
/** Zoom's documented maximum for `customer_key` (an older spec said 15; keep generated keys ≤ 20). */
export const MAX_CUSTOMER_KEY_LENGTH = 35;

/**
 * A customer key Rollcall passes to Zoom: 1 to 35 printable characters without spaces (Zoom's
 * report spec says up to 35) and without "@": the key travels in Zoom's reports and webhooks, so
 * it is never an e-mail.
 */
export const USABLE_CUSTOMER_KEY = /^[\x21-\x3f\x41-\x7e]{1,35}$/;

/** What the web or mobile app passes to the Meeting SDK's `join()`. */
export interface SdkJoinBundle {
  signature: string;
  sdkKey: string;
  meetingNumber: string;
  userName: string;
  customerKey: string;
  userEmail?: string;
  /** Registrant token, for meetings that require registration. */
  tk?: string;
}

/** An SDK join: the customer-key link to store and the bundle for the client. */
export interface SdkJoinLink {
  link: JoinLink & { method: "customer_key" };
  bundle: SdkJoinBundle;
}

/** Options of an SDK join. */
export interface SdkJoinOptions {
  /** Reuse the user's existing customer key (≤35 printable characters, no spaces) instead of generating one. */
  customerKey?: string;
  /** Registrant token from a registrant link's join URL, for registration-required meetings. */
  tk?: string;
  role?: 0 | 1;
  expiresInSeconds?: number;
  now?: number;
}

/**
 * Issues a Meeting SDK join bundle for `user`: an HS256 signature and a random, opaque
 * `customerKey` (alphanumeric, {@link CUSTOMER_KEY_LENGTH} characters, never the e-mail) that
 * Zoom echoes in webhooks and reports. The returned `customer_key` link maps it back to the user;
 * the caller stores it.
 */
export function issueSdkJoin(credentials: MeetingSdkCredentials, meetingNumber: string | number, user: AppUser, options: SdkJoinOptions = {}): SdkJoinLink {
  requireExternalId(user);
  const customerKey = options.customerKey ?? opaqueToken(CUSTOMER_KEY_LENGTH);
  // Generated keys are letters and digits; a key the app made itself may hold other printable characters.
  if (!USABLE_CUSTOMER_KEY.test(customerKey)) {
    throw new JoinLinkError("customerKey", `customerKey: expected 1 to ${MAX_CUSTOMER_KEY_LENGTH} printable characters without spaces or "@" (never an e-mail), got ${customerKey.length} characters`);
  }
  if (user.email && customerKey.toLowerCase() === user.email.toLowerCase()) {
    throw new JoinLinkError("customerKey", "customerKey: must not be the user's e-mail");
  }
  const signatureInput: MeetingSdkSignatureInput = { ...credentials, meetingNumber, role: options.role ?? 0 };
  if (options.expiresInSeconds !== undefined) signatureInput.expiresInSeconds = options.expiresInSeconds;
  if (options.now !== undefined) signatureInput.now = options.now;
  const signature = meetingSdkSignature(signatureInput);
  const bundle: SdkJoinBundle = {
    signature,
    sdkKey: credentials.sdkKey,
    meetingNumber: String(meetingNumber),
    userName: user.name?.trim() || "Participant",
    customerKey,
    ...(user.email ? { userEmail: user.email } : {}),
    ...(options.tk ? { tk: options.tk } : {}),
  };
  return { link: { method: "customer_key", value: customerKey, userId: user.externalId }, bundle };
}
