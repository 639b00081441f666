import { randomBytes } from "node:crypto";
import { signWebhook, urlValidationToken } from "./zoom-signature.js";

/** Outcome of Zoom's URL validation handshake against an endpoint. */
export type UrlValidationResult = { ok: true; elapsedMs: number } | { ok: false; reason: string };

/**
 * Does what Zoom's "Validate" button does: POSTs a signed `endpoint.url_validation` with a random
 * `plainToken` and checks the answer is HTTP 200 within the time limit, echoes the token, and
 * carries `encryptedToken` = hex HMAC-SHA256(secret, plainToken).
 */
export async function checkUrlValidation(
  target: string,
  secret: string,
  options: { timeoutMs?: number; plainToken?: string; clientId?: string } = {},
): Promise<UrlValidationResult> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const plainToken = options.plainToken ?? randomBytes(16).toString("base64url");
  const raw = JSON.stringify({ event: "endpoint.url_validation", event_ts: Date.now(), payload: { plainToken } });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": signWebhook(secret, timestamp, raw),
        "x-zm-trackingid": `v=2.0;clid=us06;rid=WEBHOOK_${randomBytes(12).toString("hex").toUpperCase()}`,
        ...(options.clientId !== undefined ? { clientid: options.clientId } : {}),
      },
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, reason: `request failed: ${(error as Error).message}` };
  }
  const text = await response.text();
  if (response.status !== 200) return { ok: false, reason: `expected HTTP 200, got ${response.status}` };
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { ok: false, reason: "expected a JSON body with plainToken and encryptedToken, got non-JSON" };
  }
  const { plainToken: echoed, encryptedToken } = (answer ?? {}) as Record<string, unknown>;
  if (echoed !== plainToken) return { ok: false, reason: "plainToken: expected the token that was sent, got something else" };
  if (typeof encryptedToken !== "string") return { ok: false, reason: "encryptedToken: expected a hex string, it is missing" };
  if (encryptedToken !== urlValidationToken(secret, plainToken)) {
    return { ok: false, reason: "encryptedToken: expected hex HMAC-SHA256(secret, plainToken); it does not match (wrong secret?)" };
  }
  return { ok: true, elapsedMs: Date.now() - started };
}
