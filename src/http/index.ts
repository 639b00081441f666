export { auditHeaders } from "./audit-headers.js";
export { createApp, type AppOptions } from "./create-app.js";
export { healthRoutes, type HealthRoutesOptions } from "./health-routes.js";
export { createMetrics, webhookOutcomes, type RollcallMetrics, type WebhookOutcome } from "./metrics.js";
export { metricsRoute } from "./metrics-route.js";
export { webhookRoute, type WebhookRouteOptions } from "./webhook-route.js";
export { createWebhookReceiver, webhookPath, type WebhookAnswer, type WebhookReceiver, type WebhookReceiverOptions } from "./webhook-receiver.js";
export { serveWebhooksFirst, webhookFastPath, type WebhookFastPathOptions } from "./webhook-fast-path.js";
export { hostedJoinRoute, hostedJoinPath, zoomSdkAssetsPath, type HostedJoinRouteOptions } from "./hosted-join-route.js";
