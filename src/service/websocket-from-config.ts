import { ConfigError, variableForKey, type Config } from "../config/index.js";
import { createWebsocketDoorWorker, type WebsocketSubscription } from "../ingest/websocket/index.js";
import type { Worker } from "../runtime/index.js";
import { defaultZoomApp } from "../zoom/webhook/index.js";
import { createBodyPreparer, privacySettingsFromConfig } from "../zoom/privacy/index.js";

/**
 * The WebSockets Event Subscriptions the configuration names: `ZOOM_WEBSOCKET_SUBSCRIPTION_ID` for
 * the default app and `websocketSubscriptionId` of each `ROLLCALL_ZOOM_APPS` entry, each with the
 * Server-to-Server OAuth credentials its connection token comes from (an app's own, else `ZOOM_*`).
 *
 * @throws ConfigError naming the missing variables when a subscription has no credentials, or a
 * subscription id that appears twice.
 */
export function websocketSubscriptionsFromConfig(config: Config): WebsocketSubscription[] {
  const found: WebsocketSubscription[] = [];
  const zoom = config.zoom;
  if (zoom.websocketSubscriptionId !== undefined) {
    found.push(subscription(defaultZoomApp, zoom.websocketSubscriptionId, zoom, config, "ZOOM_WEBSOCKET_SUBSCRIPTION_ID"));
  }
  for (const app of config.zoomApps) {
    if (app.websocketSubscriptionId === undefined) continue;
    const own = { accountId: app.accountId ?? zoom.accountId, clientId: app.clientId ?? zoom.clientId, clientSecret: app.clientSecret ?? zoom.clientSecret };
    found.push(subscription(app.name, app.websocketSubscriptionId, own, config, `ROLLCALL_ZOOM_APPS (app "${app.name}")`));
  }
  const ids = found.map((s) => s.subscriptionId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new ConfigError(`websocketSubscriptionId: "${repeated}" is configured twice; Zoom allows one connection per subscription`);
  return found;
}

function subscription(
  app: string,
  subscriptionId: string,
  credentials: { accountId?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined },
  config: Config,
  where: string,
): WebsocketSubscription {
  const { accountId, clientId, clientSecret } = credentials;
  if (accountId === undefined || clientId === undefined || clientSecret === undefined) {
    const missing = (["accountId", "clientId", "clientSecret"] as const).filter((key) => credentials[key] === undefined).map((key) => variableForKey(`zoom.${key}`));
    throw new ConfigError(`${where}: a WebSocket subscription needs its Server-to-Server OAuth app's credentials; missing ${missing.join(", ")}`);
  }
  return { app, subscriptionId, credentials: { accountId, clientId, clientSecret, oauthUrl: config.zoom.oauthUrl } };
}

/** The WebSocket door's worker for the configured subscriptions, or undefined when none is configured. */
export function websocketDoorFromConfig(config: Config): Worker | undefined {
  const subscriptions = websocketSubscriptionsFromConfig(config);
  if (subscriptions.length === 0) return undefined;
  return createWebsocketDoorWorker({
    subscriptions,
    url: config.zoom.websocketUrl,
    timing: { heartbeatMs: config.websocket.heartbeatSeconds * 1000, deadAfterMs: config.websocket.deadAfterSeconds * 1000 },
    prepare: config.privacy !== "store" ? createBodyPreparer(privacySettingsFromConfig(config)) : undefined,
    keepFrames: config.privacy === "store",
  });
}
