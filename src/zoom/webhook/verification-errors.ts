/**
 * Why a delivery was refused, as explicit error types (like the Standard Webhooks verifiers), so
 * the HTTP layer can answer 401 with a short reason and count each kind in metrics.
 * Messages never contain the secret, the signature or the body.
 */
export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
  /** Stable machine-readable reason, used as a metrics label and in the 401 answer. */
  readonly reason: VerificationFailureReason;

  constructor(reason: VerificationFailureReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Every way verification can fail. */
export type VerificationFailureReason =
  | "missing_timestamp"
  | "invalid_timestamp"
  | "stale_timestamp"
  | "future_timestamp"
  | "missing_signature"
  | "invalid_signature";

/** `x-zm-request-timestamp` or `x-zm-signature` is absent. */
export class MissingHeaderError extends WebhookVerificationError {
  override name = "MissingHeaderError";
  constructor(header: "x-zm-request-timestamp" | "x-zm-signature") {
    super(header === "x-zm-signature" ? "missing_signature" : "missing_timestamp", `missing ${header} header`);
  }
}

/** The timestamp is not epoch seconds (up to 11 digits) or epoch milliseconds (13 digits). */
export class InvalidTimestampError extends WebhookVerificationError {
  override name = "InvalidTimestampError";
  constructor() {
    super("invalid_timestamp", "x-zm-request-timestamp: expected epoch seconds or 13-digit epoch milliseconds");
  }
}

/** The timestamp is further from now than the tolerance (a replay, or a badly wrong clock). */
export class TimestampOutOfWindowError extends WebhookVerificationError {
  override name = "TimestampOutOfWindowError";
  constructor(direction: "stale" | "future", toleranceSeconds: number) {
    super(
      direction === "stale" ? "stale_timestamp" : "future_timestamp",
      `x-zm-request-timestamp: more than ${toleranceSeconds}s in the ${direction === "stale" ? "past" : "future"}`,
    );
  }
}

/** No configured secret produces this signature (wrong secret, tampered body, or not `v0=<hex>`). */
export class InvalidSignatureError extends WebhookVerificationError {
  override name = "InvalidSignatureError";
  constructor() {
    super("invalid_signature", "x-zm-signature: does not match any configured secret");
  }
}
