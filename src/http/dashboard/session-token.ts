import { createHmac, timingSafeEqual } from "node:crypto";
import type { ApiKeyScope } from "../../api-keys/index.js";

/** What a dashboard session cookie carries: which API key signed in, with what scope, until when. */
export interface DashboardSession {
  keyId: number;
  scope: ApiKeyScope;
  /** Epoch ms after which the session is refused. */
  expiresAt: number;
}

const VERSION = "v1";

/**
 * A stateless session token: `v1.<keyId>.<scope>.<expiresAt>.<HMAC-SHA256>` (base64url MAC). The
 * key itself never goes into the cookie; the server re-checks on each request that the key is
 * still live.
 */
export function signSession(secret: string, session: DashboardSession): string {
  const body = `${VERSION}.${session.keyId}.${session.scope}.${session.expiresAt}`;
  return `${body}.${mac(secret, body)}`;
}

/**
 * The session a token stands for, or undefined when it is malformed, forged or expired. The MAC is
 * compared in constant time.
 */
export function readSession(secret: string, token: string | undefined, now: number): DashboardSession | undefined {
  if (!token) return undefined;
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
  const [, keyId, scope, expiresAt, presented] = parts as [string, string, string, string, string];
  const expected = Buffer.from(mac(secret, parts.slice(0, 4).join(".")));
  const given = Buffer.from(presented);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (!/^\d+$/.test(keyId) || !/^\d+$/.test(expiresAt) || (scope !== "read" && scope !== "write")) return undefined;
  if (Number(expiresAt) <= now) return undefined;
  return { keyId: Number(keyId), scope, expiresAt: Number(expiresAt) };
}

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}
