import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Zoom's `x-zm-signature` for a body: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`).
 * The timestamp is the header text verbatim; the body is hashed as the exact bytes received.
 *
 * @example
 * signZoomWebhook("secret", "1767254460", '{"event":"meeting.ended"}') // "v0=…64 hex…"
 */
export function signZoomWebhook(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(rawBody).digest("hex")}`;
}

/**
 * True when `signature` is the signature of `rawBody` under `secret`. Compared in constant time, so
 * the answer time does not leak how many leading characters matched.
 */
export function signatureMatches(secret: string, timestamp: string, rawBody: string | Uint8Array, signature: string): boolean {
  const expected = Buffer.from(signZoomWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
