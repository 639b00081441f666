import { randomBytes } from "node:crypto";
import { signWebhook } from "./zoom-signature.js";

/** Where and how a simulated webhook is posted. */
export interface ZoomPostTarget {
  /** Webhook URL. */
  target: string;
  /** The app's webhook secret token. */
  secret: string;
  /** Value of the `clientid` header. */
  clientId?: string;
}

/** One signed POST with Zoom's headers. Returns undefined on success (a 2xx in time), else why it failed. */
export async function postZoomWebhook(to: ZoomPostTarget, raw: string, timeoutMs: number): Promise<string | undefined> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Zoom Marketplace/1.0a",
    "x-zm-request-timestamp": timestamp,
    "x-zm-signature": signWebhook(to.secret, timestamp, raw),
    // Unique per attempt: whether Zoom reuses it across retries is unconfirmed (zoom-facts §1.5).
    "x-zm-trackingid": `v=2.0;clid=us06;rid=WEBHOOK_${randomBytes(12).toString("hex").toUpperCase()}`,
  };
  if (to.clientId !== undefined) headers.clientid = to.clientId;
  try {
    const response = await fetch(to.target, {
      method: "POST",
      headers,
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
  }
}
