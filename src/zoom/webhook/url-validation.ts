import { createHmac } from "node:crypto";

/** Zoom's challenge event, sent when an endpoint is added and every 72 hours after. */
export const urlValidationEvent = "endpoint.url_validation";

/** The answer Zoom expects to `endpoint.url_validation` (zoom-facts §1.4). */
export interface UrlValidationAnswer {
  plainToken: string;
  encryptedToken: string;
}

/**
 * Answers Zoom's URL validation challenge: `encryptedToken` is hex HMAC-SHA256 of `plainToken`,
 * keyed with the secret that verified the challenge's signature.
 *
 * @example
 * answerUrlValidation("qgg8vlvZRS6UYooatFL8Aw", "FAKE_SECRET_TOKEN").encryptedToken
 * // "bf1e34817bf118015d9a0856c6441a5cdc366259f7ba81a1a3f8b1ff7f46ca25"
 */
export function answerUrlValidation(plainToken: string, secret: string): UrlValidationAnswer {
  return { plainToken, encryptedToken: createHmac("sha256", secret).update(plainToken).digest("hex") };
}
