import { createHmac } from "node:crypto";

/**
 * Zoom's webhook signature: `v0=` + hex HMAC-SHA256(secret token, `v0:{timestamp}:{raw body}`),
 * where `timestamp` is the `x-zm-request-timestamp` header text (epoch seconds).
 */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex");
}

/** The `encryptedToken` an endpoint must answer to `endpoint.url_validation`: hex HMAC-SHA256(secret, plainToken). */
export function urlValidationToken(secret: string, plainToken: string): string {
  return createHmac("sha256", secret).update(plainToken).digest("hex");
}
