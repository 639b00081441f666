export { auditHeaders } from "./audit-headers.js";
export { createApp, type AppOptions } from "./create-app.js";
export { healthRoutes, type HealthRoutesOptions } from "./health-routes.js";
export { createMetrics, webhookOutcomes, type RollcallMetrics, type WebhookOutcome } from "./metrics.js";
export { metricsRoute } from "./metrics-route.js";
export { webhookPath, webhookRoute, type WebhookRouteOptions } from "./webhook-route.js";
export { hostedJoinRoute, hostedJoinPath, zoomSdkAssetsPath, type HostedJoinRouteOptions } from "./hosted-join-route.js";
