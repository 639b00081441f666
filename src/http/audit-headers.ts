import type { IncomingHttpHeaders } from "node:http";
import type { WebhookSecret } from "../zoom/webhook/index.js";

// The headers worth keeping for an audit trail; the signature stays in the database only (it lets an
// auditor re-verify a stored raw body) and is never logged.
const kept = ["x-zm-request-timestamp", "x-zm-signature", "x-zm-trackingid", "user-agent"] as const;

/**
 * The headers stored with an inbox event, plus which Zoom app (and which of its secrets) verified it,
 * so the pipeline knows the account's app without re-verifying.
 */
export function auditHeaders(headers: IncomingHttpHeaders, verifiedBy: WebhookSecret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of kept) {
    const value = headers[name];
    if (typeof value === "string") out[name] = value;
  }
  out["x-rollcall-app"] = verifiedBy.app;
  out["x-rollcall-secret-index"] = String(verifiedBy.index);
  return out;
}
