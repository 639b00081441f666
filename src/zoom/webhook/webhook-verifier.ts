import { signatureBytes, signingKey } from "./signature.js";
import { assertTimestampInWindow, parseRequestTimestamp } from "./request-timestamp.js";
import { InvalidSignatureError, MissingHeaderError } from "./verification-errors.js";
import type { WebhookSecret } from "./webhook-secrets.js";

/**
 * Request headers by lower-case name, as Node gives them; a signature depends on
 * `x-zm-request-timestamp` and `x-zm-signature`.
 */
export type SignatureHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a successful verification proves: which secret signed it, and when Zoom says it sent it. */
export interface VerifiedDelivery {
  secret: WebhookSecret;
  /** `x-zm-request-timestamp` in epoch milliseconds. */
  timestampMs: number;
}

export interface WebhookVerifierOptions {
  /** Every accepted secret (see `webhookSecretsFrom`); a signature valid under any of them passes. */
  secrets: readonly WebhookSecret[];
  /** Accepted distance between the request timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Verifies deliveries against a fixed set of secrets. */
export interface WebhookVerifier {
  /**
   * Checks headers and signature over the raw body bytes; throws a `WebhookVerificationError`
   * subclass when the delivery must be refused.
   */
  verify(rawBody: Uint8Array, headers: SignatureHeaders): VerifiedDelivery;
}

/**
 * Builds a verifier for Zoom's `x-zm-signature`. Order: timestamp present and well-formed, inside
 * the window, then the signature (tried under every secret, so rotation and several apps work).
 *
 * @example
 * const verifier = createWebhookVerifier({ secrets: [{ app: "default", index: 0, secret: "FAKE_SECRET_TOKEN" }] });
 * const rawBody = Buffer.from('{"event":"meeting.ended"}');
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const headers = { "x-zm-request-timestamp": timestamp, "x-zm-signature": signZoomWebhook("FAKE_SECRET_TOKEN", timestamp, rawBody) };
 * const { secret, timestampMs } = verifier.verify(rawBody, headers); // throws on a bad delivery
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const secrets = options.secrets.map((secret) => ({ secret, key: signingKey(secret.secret) }));
  if (secrets.length === 0) throw new Error("secrets: expected at least one webhook secret");
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  return {
    verify(rawBody, headers) {
      const timestampText = single(headers["x-zm-request-timestamp"]);
      const timestampMs = parseRequestTimestamp(timestampText);
      assertTimestampInWindow(timestampMs, now(), tolerance);
      const signature = single(headers["x-zm-signature"]);
      if (signature === undefined || signature === "") throw new MissingHeaderError("x-zm-signature");
      // Not `v0=<64 hex>`: no secret could have produced it.
      const given = signatureBytes(signature);
      if (given === undefined) throw new InvalidSignatureError();
      // Stopping at the first match leaks nothing useful: which app signed is not secret, and each
      // comparison is constant-time.
      for (const { secret, key } of secrets) {
        if (key.matches(timestampText!, rawBody, given)) return { secret, timestampMs };
      }
      throw new InvalidSignatureError();
    },
  };
}

/** A header sent twice is ambiguous; treat it as absent rather than guess which one Zoom meant. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
