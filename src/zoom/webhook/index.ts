export { answerUrlValidation, urlValidationEvent, type UrlValidationAnswer } from "./url-validation.js";
export { assertTimestampInWindow, parseRequestTimestamp } from "./request-timestamp.js";
export { signatureMatches, signZoomWebhook } from "./signature.js";
export {
  InvalidSignatureError,
  InvalidTimestampError,
  MissingHeaderError,
  TimestampOutOfWindowError,
  WebhookVerificationError,
  type VerificationFailureReason,
} from "./verification-errors.js";
export { defaultZoomApp, webhookSecretsFrom, type WebhookSecret, type WebhookSecretSource } from "./webhook-secrets.js";
export {
  createWebhookVerifier,
  type SignatureHeaders,
  type VerifiedDelivery,
  type WebhookVerifier,
  type WebhookVerifierOptions,
} from "./webhook-verifier.js";
export { deliveryEnvelope, InvalidEnvelopeError, type DeliveryEnvelope } from "./delivery-envelope.js";
