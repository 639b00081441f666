/**
 * Faults the emulator injects on demand, and counters tests read. A fault applies to the next N
 * calls under `/v2` (never to `/oauth/token`), in the order it was queued.
 */

/** How a queued 429 tells the caller when to come back. */
export type RetryAfterForm =
  /** `Retry-After: <seconds>` */
  | { seconds: number }
  /** `Retry-After: <HTTP-date>` (Zoom's daily limit says "Retry at <date>"). */
  | { date: Date }
  /** No `Retry-After` header at all: the caller must choose its own back-off. */
  | { none: true };

/** One queued fault. */
export type Fault =
  | { kind: "rate_limit"; retryAfter: RetryAfterForm; type: "QPS" | "Daily" }
  | { kind: "server_error"; status: number };

/**
 * Why Zoom refuses `/report/meetings/{uuid}/participants` for this account or app: `plan` (the
 * account's plan does not include reports: 400, code 200) or `scope` (the app lacks
 * `report:read:admin`: 400, code 4711). Only that endpoint is refused; `/past_meetings` still answers.
 */
export type ReportRefusal = "plan" | "scope";

/** Fault queue plus request counters, shared by a running emulator and whoever drives it. */
export class EmulatorControls {
  private readonly faults: Fault[] = [];
  /** How many tokens `/oauth/token` has issued. */
  tokenRequests = 0;
  /** How many `/v2` requests arrived (including those answered with a fault). */
  apiRequests = 0;
  /** How many `/v2` requests were answered 401 because of a missing, unknown or expired token. */
  unauthorized = 0;
  /** While set, the participant report endpoint answers Zoom's plan or scope refusal (not a queued fault: it lasts). */
  reportRefusal: ReportRefusal | undefined = undefined;
  /** How many participant report requests were refused because of {@link reportRefusal}. */
  reportRefusals = 0;

  /** Makes `/report/meetings/{uuid}/participants` refuse every call for `reason` until called with `undefined`. */
  refuseReports(reason: ReportRefusal | undefined): void {
    this.reportRefusal = reason;
  }

  /** Makes the next `count` API calls answer 429 with the given `Retry-After` form. */
  rateLimitNext(count: number, retryAfter: RetryAfterForm = { seconds: 1 }, type: "QPS" | "Daily" = "QPS"): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: "rate_limit", retryAfter, type });
  }

  /** Makes the next `count` API calls answer with a 5xx `status` (default 503). */
  failNext(count: number, status = 503): void {
    if (status < 500 || status > 599) throw new RangeError(`failNext status: expected 500..599, got ${status}`);
    for (let i = 0; i < count; i++) this.faults.push({ kind: "server_error", status });
  }

  /** Removes every queued fault. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Takes the next queued fault, if any. Called once per API request. */
  takeFault(): Fault | undefined {
    return this.faults.shift();
  }

  /** How many faults are still queued. */
  get pendingFaults(): number {
    return this.faults.length;
  }
}
