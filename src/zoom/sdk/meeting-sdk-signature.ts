import { createHmac } from "node:crypto";

/** Bounds Zoom puts on `exp − iat` of a Meeting SDK signature (zoom-facts §4b). */
export const MIN_SIGNATURE_LIFETIME_S = 1800;
export const MAX_SIGNATURE_LIFETIME_S = 172_800;
/** Zoom's sample default: two hours. */
export const DEFAULT_SIGNATURE_LIFETIME_S = 7200;

/** What a Meeting SDK signature is for. */
export interface MeetingSdkSignatureInput {
  /** Meeting SDK key (client id); goes into `appKey` and `sdkKey`. */
  sdkKey: string;
  /** Meeting SDK secret (client secret); signs the token and never leaves the server. */
  sdkSecret: string;
  /** Meeting number (digits). */
  meetingNumber: string | number;
  /** 0 participant (default), 1 host. */
  role?: 0 | 1;
  /** `exp − iat` in seconds, 1800..172800 (default 7200). */
  expiresInSeconds?: number;
  /** Optional `video_webrtc_mode` claim (0 or 1). */
  videoWebrtcMode?: 0 | 1;
  /** Signing time in epoch ms (default `Date.now()`). */
  now?: number;
}

/** The claims inside a Meeting SDK signature. */
export interface MeetingSdkClaims {
  appKey: string;
  sdkKey: string;
  mn: string;
  role: 0 | 1;
  iat: number;
  exp: number;
  tokenExp: number;
  video_webrtc_mode?: 0 | 1;
}

/** A signature request that Zoom would refuse; `field` names the culprit. */
export class MeetingSdkSignatureError extends Error {
  override name = "MeetingSdkSignatureError";
  constructor(
    readonly field: keyof MeetingSdkSignatureInput,
    message: string,
  ) {
    super(message);
  }
}

/** Backdate `iat` a little so a client whose clock runs behind does not see a future token (Zoom's sample does the same). */
const CLOCK_SKEW_S = 30;

/**
 * Signs a Meeting SDK join signature: an HS256 JWT with header `{alg: "HS256", typ: "JWT"}` and
 * claims `appKey`, `sdkKey`, `mn`, `role`, `iat`, `exp`, `tokenExp` (zoom-facts §4b), signed with
 * the SDK secret. Throws {@link MeetingSdkSignatureError} for inputs Zoom would refuse.
 * The result is the `signature` the Meeting SDK's `join` takes.
 */
export function meetingSdkSignature(input: MeetingSdkSignatureInput): string {
  const claims = meetingSdkClaims(input);
  if (!input.sdkSecret) throw new MeetingSdkSignatureError("sdkSecret", "sdkSecret: expected the Meeting SDK secret, got an empty value");
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", input.sdkSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The claims {@link meetingSdkSignature} signs, validated. */
export function meetingSdkClaims(input: MeetingSdkSignatureInput): MeetingSdkClaims {
  if (!input.sdkKey) throw new MeetingSdkSignatureError("sdkKey", "sdkKey: expected the Meeting SDK key, got an empty value");
  const mn = String(input.meetingNumber).replace(/\s+/g, "");
  if (!/^\d{9,15}$/.test(mn)) {
    throw new MeetingSdkSignatureError("meetingNumber", `meetingNumber: expected 9 to 15 digits, got "${String(input.meetingNumber)}"`);
  }
  const role = input.role ?? 0;
  if (role !== 0 && role !== 1) throw new MeetingSdkSignatureError("role", `role: expected 0 (participant) or 1 (host), got ${String(role)}`);
  const lifetime = input.expiresInSeconds ?? DEFAULT_SIGNATURE_LIFETIME_S;
  if (!Number.isInteger(lifetime) || lifetime < MIN_SIGNATURE_LIFETIME_S || lifetime > MAX_SIGNATURE_LIFETIME_S) {
    throw new MeetingSdkSignatureError(
      "expiresInSeconds",
      `expiresInSeconds: Zoom requires exp − iat between ${MIN_SIGNATURE_LIFETIME_S} and ${MAX_SIGNATURE_LIFETIME_S} seconds, got ${String(lifetime)}`,
    );
  }
  const iat = Math.floor((input.now ?? Date.now()) / 1000) - CLOCK_SKEW_S;
  const exp = iat + lifetime;
  return {
    appKey: input.sdkKey,
    sdkKey: input.sdkKey,
    mn,
    role,
    iat,
    exp,
    tokenExp: exp,
    ...(input.videoWebrtcMode !== undefined ? { video_webrtc_mode: input.videoWebrtcMode } : {}),
  };
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
