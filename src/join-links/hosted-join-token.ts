import { createHmac, timingSafeEqual } from "node:crypto";

/** What a hosted-join token (`GET /join/{token}`) carries; signed, not encrypted. */
export type HostedJoin =
  | { kind: "registrant"; meetingId: string; externalId: string; expiresAt: number; /** The registrant's personal Zoom join URL. */ joinUrl: string }
  | {
      kind: "sdk";
      meetingId: string;
      externalId: string;
      expiresAt: number;
      /** The customer key the SDK join passes (Zoom reports it back). */
      customerKey: string;
      /** Where the page sends the user after the meeting (an http(s) URL); absent: `about:blank`. */
      leaveUrl?: string;
    };

/** Why a token was refused: `malformed` (not a token), `forged` (bad signature), `expired`. */
export class HostedJoinTokenError extends Error {
  override name = "HostedJoinTokenError";
  constructor(
    readonly reason: "malformed" | "forged" | "expired",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs a short-lived hosted-join token: base64url JSON, a dot, and its HMAC-SHA256 under the
 * secret every Rollcall process on the database shares (`ROLLCALL_JOIN_TOKEN_SECRET`). No e-mail
 * or name goes in: the token travels in URLs.
 */
export function signHostedJoinToken(join: HostedJoin, secret: string): string {
  const payload = Buffer.from(JSON.stringify(join), "utf8").toString("base64url");
  return `${payload}.${mac(payload, secret)}`;
}

/**
 * Checks a token's signature (constant time) and expiry and returns what it carries; throws
 * {@link HostedJoinTokenError} saying which check failed.
 */
export function verifyHostedJoinToken(token: string, secret: string, now = Date.now()): HostedJoin {
  const dot = token.indexOf(".");
  if (dot <= 0 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw new HostedJoinTokenError("malformed", "token: not a Rollcall join token");
  const payload = token.slice(0, dot);
  const expected = Buffer.from(mac(payload, secret), "base64url");
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HostedJoinTokenError("forged", "token: the signature does not match");
  let join: HostedJoin;
  try {
    join = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as HostedJoin;
  } catch {
    throw new HostedJoinTokenError("malformed", "token: the payload is not JSON");
  }
  if (typeof join.expiresAt !== "number" || join.expiresAt <= now) throw new HostedJoinTokenError("expired", "token: expired; ask the app for a new join link");
  return join;
}

function mac(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("base64url");
}
