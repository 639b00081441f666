/** The Zoom REST client: see {@link ZoomApiClient} and {@link zoomApiFromConfig}. */
export { ZoomApiClient, collect, DEFAULT_API_BASE_URL, DEFAULT_OAUTH_URL, BATCH_REGISTRANTS_LIMIT, MAX_PAGE_SIZE } from "./client.js";
export type { ZoomApiConfig, ZoomApiClientOptions } from "./client.js";
export { zoomApiFromConfig, type ZoomApiFromConfig } from "./from-config.js";
export { ZoomApiError, ZoomReportNotReadyError, ZoomRateLimitError, ZoomAuthError, ZoomNetworkError, ZoomConfigError } from "./errors.js";
export { encodeInstanceUuid } from "./instance-uuid.js";
export { retryAfterMs } from "./retry-after.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
export { systemClock, type Clock } from "./clock.js";
export { AccessTokenProvider, type S2SCredentials } from "./access-token.js";
export type { RetryEvent } from "./zoom-http.js";
export type * from "./types.js";
