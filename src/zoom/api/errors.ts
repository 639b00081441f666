/**
 * Typed failures of the Zoom REST client. None of them ever carries an access token or a client
 * secret: only the HTTP status, Zoom's `code`/`message`, the request line and `x-zm-trackingid`.
 */

/** What the client knows about a failed Zoom call. */
export interface ZoomApiErrorDetails {
  /** HTTP status (0 when no response arrived). */
  status: number;
  /** Zoom's numeric error code from the body, when it sent one. */
  code?: number;
  /** Zoom's error message from the body, when it sent one. */
  zoomMessage?: string;
  /** `x-zm-trackingid` of the response: quote it in Zoom support tickets. */
  trackingId?: string;
  method: string;
  /** Path relative to the API base, without the query string. */
  path: string;
  /** How many attempts were made before giving up. */
  attempts: number;
}

/** A Zoom API call failed with an answer Rollcall does not retry (or retries ran out). */
export class ZoomApiError extends Error {
  override name = "ZoomApiError";
  readonly status: number;
  readonly code: number | undefined;
  readonly zoomMessage: string | undefined;
  readonly trackingId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(details: ZoomApiErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options);
    this.status = details.status;
    this.code = details.code;
    this.zoomMessage = details.zoomMessage;
    this.trackingId = details.trackingId;
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
  }
}

/**
 * Zoom has no participant report for this instance *yet*: the meeting is still running, or it ended
 * moments ago (Zoom answers 3001 "Meeting ID is invalid or not end." in both cases, and also for
 * instances it will never know). Reconciliation should retry later with backoff and give up after
 * its own deadline.
 */
export class ZoomReportNotReadyError extends ZoomApiError {
  override name = "ZoomReportNotReadyError";
}

/** Zoom kept answering 429, or asked for a wait longer than the client is willing to sleep. */
export class ZoomRateLimitError extends ZoomApiError {
  override name = "ZoomRateLimitError";
  /** Zoom's `x-ratelimit-type` (e.g. `QPS`, `Daily-limit`), when sent. */
  readonly rateLimitType: string | undefined;
  /** When Zoom said to come back (epoch ms), when it said so. */
  readonly retryAt: number | undefined;

  constructor(details: ZoomApiErrorDetails & { rateLimitType?: string; retryAt?: number }) {
    super(details);
    this.rateLimitType = details.rateLimitType;
    this.retryAt = details.retryAt;
  }
}

/** `/oauth/token` refused the Server-to-Server OAuth credentials (wrong client id, secret or account id). */
export class ZoomAuthError extends ZoomApiError {
  override name = "ZoomAuthError";
}

/** No HTTP answer at all (connection refused, DNS, reset) after every attempt. */
export class ZoomNetworkError extends ZoomApiError {
  override name = "ZoomNetworkError";
}

/** Zoom configuration is missing or malformed; names every variable at fault. */
export class ZoomConfigError extends Error {
  override name = "ZoomConfigError";
  constructor(
    message: string,
    /** Names of the environment variables that are missing or invalid. */
    readonly variables: string[],
  ) {
    super(message);
  }
}

function describe(d: ZoomApiErrorDetails): string {
  const answer = d.status === 0 ? "no response" : `HTTP ${d.status}`;
  const zoom = d.code !== undefined || d.zoomMessage ? `, Zoom code ${d.code ?? "?"}: ${d.zoomMessage ?? ""}` : "";
  const tracking = d.trackingId ? ` (x-zm-trackingid ${d.trackingId})` : "";
  const attempts = d.attempts > 1 ? ` after ${d.attempts} attempts` : "";
  return `Zoom API ${d.method} ${d.path} failed${attempts}: ${answer}${zoom}${tracking}`;
}
