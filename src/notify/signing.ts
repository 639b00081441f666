import { createHmac, randomBytes } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` + base64 of
 * random bytes; a signature is `v1,` + base64 HMAC-SHA256, keyed with the secret's bytes, over
 * `${webhook-id}.${webhook-timestamp}.${body}`. Several signatures are space-separated, which is
 * how a rotated endpoint is signed with both its old and its new secret for a while.
 */

const secretPrefix = "whsec_";

/**
 * A new endpoint secret: `whsec_` and 24 random bytes in base64 (the spec asks for 24 to 64).
 */
export function generateSecret(): string {
  return `${secretPrefix}${randomBytes(24).toString("base64")}`;
}

/** The key bytes of a `whsec_…` secret (a bare base64 secret is accepted too). */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new Error("webhook secret: expected whsec_ followed by base64");
  return key;
}

/**
 * The `webhook-signature` header value: one `v1,<base64>` per secret, space-separated.
 */
export function sign(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error("webhook signature: at least one secret is needed");
  const content = `${messageId}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac("sha256", secretKey(secret)).update(content).digest("base64")}`).join(" ");
}

/**
 * A new `webhook-id`: `msg_` and 16 random bytes in base64url. Receivers dedupe on it, so every
 * attempt and replay of one message reuses the same id.
 */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}
