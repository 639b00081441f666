import type { AccessTokenProvider } from "./access-token.js";
import type { Clock } from "./clock.js";
import { ZoomApiError, ZoomNetworkError, ZoomRateLimitError, ZoomReportNotReadyError, type ZoomApiErrorDetails } from "./errors.js";
import { retryAfterMs } from "./retry-after.js";
import { rateLimitDelayMs, serverErrorDelayMs, type RetryPolicy } from "./retry-policy.js";

/** One call to the Zoom API. */
export interface ZoomRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path under the API base, already encoded, e.g. `/meetings/123/registrants`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Answer 3001 (and 404 without a code) with {@link ZoomReportNotReadyError}: report endpoints only. */
  reportEndpoint?: boolean;
}

/** What a retry looked like, for whoever wants to log or count them (never includes the token). */
export interface RetryEvent {
  method: string;
  path: string;
  attempt: number;
  status: number;
  delayMs: number;
  reason: "rate_limited" | "server_error" | "network_error" | "token_refused";
}

/** Dependencies of {@link ZoomHttp}. */
export interface ZoomHttpOptions {
  apiBaseUrl: string;
  tokens: AccessTokenProvider;
  clock: Clock;
  policy: RetryPolicy;
  random: () => number;
  fetch: typeof fetch;
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Sends authenticated requests to the Zoom API and applies the retry rules: a 401 renews the token
 * once; 429 waits for `Retry-After` (seconds or HTTP-date) or backs off; 5xx and network failures
 * back off exponentially with jitter; anything else becomes a typed {@link ZoomApiError}.
 */
export class ZoomHttp {
  private readonly base: string;

  constructor(private readonly options: ZoomHttpOptions) {
    this.base = options.apiBaseUrl.replace(/\/+$/, "");
  }

  /** Sends `request` and returns the parsed JSON body (undefined for an empty body, e.g. 204). */
  async send<T>(request: ZoomRequest): Promise<T> {
    const { clock, policy, tokens } = this.options;
    const url = this.url(request);
    let renewedToken = false;
    let failure: ZoomApiError | undefined;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const token = await tokens.get();
      let response: Response;
      try {
        response = await this.options.fetch(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
      } catch (error) {
        failure = new ZoomNetworkError(this.details(request, 0, attempt), { cause: error });
        await this.backOff(request, attempt, 0, serverErrorDelayMs(policy, attempt, this.options.random), "network_error");
        continue;
      }

      if (response.ok) {
        const text = await response.text();
        return (text === "" ? undefined : JSON.parse(text)) as T;
      }

      const body = await readErrorBody(response);
      const details = this.details(request, response.status, attempt, body, response.headers.get("x-zm-trackingid"));

      if (response.status === 401 && !renewedToken) {
        // The token may have been revoked or expired early; fetch a fresh one, but only once.
        renewedToken = true;
        tokens.invalidate(token);
        this.options.onRetry?.({ method: request.method, path: request.path, attempt, status: 401, delayMs: 0, reason: "token_refused" });
        attempt--; // a token renewal is not a failed attempt of the call itself
        continue;
      }

      if (response.status === 429) {
        const rateLimitType = response.headers.get("x-ratelimit-type") ?? undefined;
        const told = retryAfterMs(response.headers.get("retry-after"), clock.now());
        const retryAt = told !== undefined ? clock.now() + told : undefined;
        failure = new ZoomRateLimitError({ ...details, ...(rateLimitType ? { rateLimitType } : {}), ...(retryAt !== undefined ? { retryAt } : {}) });
        if (told !== undefined && told > policy.maxRetryAfterMs) throw failure;
        const delay = told ?? rateLimitDelayMs(policy, attempt, rateLimitType);
        await this.backOff(request, attempt, 429, delay, "rate_limited");
        continue;
      }

      if (response.status >= 500) {
        failure = new ZoomApiError(details);
        await this.backOff(request, attempt, response.status, serverErrorDelayMs(policy, attempt, this.options.random), "server_error");
        continue;
      }

      if (request.reportEndpoint && (details.code === 3001 || (response.status === 404 && details.code === undefined))) {
        throw new ZoomReportNotReadyError(details);
      }
      throw new ZoomApiError(details);
    }
    throw failure!;
  }

  private async backOff(request: ZoomRequest, attempt: number, status: number, delayMs: number, reason: RetryEvent["reason"]): Promise<void> {
    if (attempt >= this.options.policy.maxAttempts) return; // no sleep before giving up
    this.options.onRetry?.({ method: request.method, path: request.path, attempt, status, delayMs, reason });
    await this.options.clock.sleep(delayMs);
  }

  private url(request: ZoomRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) params.set(key, String(value));
    const query = params.toString();
    return `${this.base}${request.path}${query ? `?${query}` : ""}`;
  }

  private details(
    request: ZoomRequest,
    status: number,
    attempts: number,
    body?: { code?: number; message?: string },
    trackingId?: string | null,
  ): ZoomApiErrorDetails {
    return {
      status,
      ...(body?.code !== undefined ? { code: body.code } : {}),
      ...(body?.message !== undefined ? { zoomMessage: body.message } : {}),
      ...(trackingId ? { trackingId } : {}),
      method: request.method,
      path: request.path,
      attempts,
    };
  }
}

/** Zoom's `{code, message}`, tolerating bodies that are not JSON (proxies, gateways). */
async function readErrorBody(response: Response): Promise<{ code?: number; message?: string }> {
  const text = await response.text().catch(() => "");
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof json["code"] === "number" ? { code: json["code"] } : {}),
      ...(typeof json["message"] === "string" ? { message: json["message"] } : {}),
    };
  } catch {
    return text ? { message: text.slice(0, 200) } : {};
  }
}
