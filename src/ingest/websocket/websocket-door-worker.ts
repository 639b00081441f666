import { Counter, Gauge } from "prom-client";
import type { Worker, WorkerContext } from "../../runtime/index.js";
import { AccessTokenProvider, systemClock, type S2SCredentials } from "../../zoom/api/index.js";
import type { PrepareBodyForStorage } from "../prepare-body.js";
import { defaultReconnectBackoff } from "./reconnect-delay.js";
import { startSubscriptionDoor, type DoorObserver, type DoorTiming, type SocketTokens, type SubscriptionDoor } from "./subscription-door.js";

/** One WebSockets Event Subscription Rollcall keeps a connection to. */
export interface WebsocketSubscription {
  /** The configured Zoom app it belongs to (`default` for `ZOOM_*`). */
  app: string;
  subscriptionId: string;
  /** The app's Server-to-Server OAuth credentials: the token the connection opens with. */
  credentials: S2SCredentials;
}

/** Options of {@link createWebsocketDoorWorker}. */
export interface WebsocketDoorOptions {
  subscriptions: readonly WebsocketSubscription[];
  /** `ZOOM_WEBSOCKET_URL`. */
  url: string;
  timing?: Partial<DoorTiming>;
  prepare?: PrepareBodyForStorage | undefined;
  /** Keep malformed frames' text (privacy mode `store`). */
  keepFrames: boolean;
  /** Token source per subscription (tests); default an `AccessTokenProvider` of its credentials. */
  tokens?: (subscription: WebsocketSubscription) => SocketTokens;
}

/** Defaults: a heartbeat every 20 s, dead after 45 s of silence, backoff 1 s doubling to 60 s. */
export const defaultDoorTiming: DoorTiming = {
  heartbeatMs: 20_000,
  deadAfterMs: 45_000,
  handshakeTimeoutMs: 10_000,
  backoff: defaultReconnectBackoff,
  standbyPollMs: 2000,
  coverageEveryMs: 2000,
  retryRenewalMs: 30_000,
};

/**
 * The WebSocket door as a {@link Worker}: one connection per configured subscription (across every
 * process on the database), with its metrics and its state on `/readyz`. Runs in the `all` and
 * `ingest` roles, beside (or instead of) the webhook route.
 */
export function createWebsocketDoorWorker(options: WebsocketDoorOptions): Worker {
  const timing: DoorTiming = { ...defaultDoorTiming, ...options.timing };
  let doors: SubscriptionDoor[] = [];
  return {
    name: "websocket",
    async start(context) {
      const { WebSocket } = await import("ws");
      const metrics = doorMetrics(context);
      doors = options.subscriptions.map((subscription) =>
        startSubscriptionDoor({
          key: { subscriptionId: subscription.subscriptionId, accountId: subscription.credentials.accountId },
          app: subscription.app,
          url: options.url,
          tokens: options.tokens?.(subscription) ?? new AccessTokenProvider(subscription.credentials, systemClock),
          store: context.store,
          inbox: context.inbox,
          prepare: options.prepare,
          keepFrames: options.keepFrames,
          logger: context.logger,
          observer: metrics.observer(subscription.subscriptionId, context),
          timing,
          WebSocket,
        }),
      );
    },
    async stop() {
      await Promise.all(doors.map((door) => door.stop()));
      doors = [];
    },
  };
}

function doorMetrics(context: WorkerContext) {
  const registers = [context.metrics.registry];
  const connected = new Gauge({ name: "rollcall_zoom_websocket_connected", help: "1 while this process holds an open, accepted connection to the subscription", labelNames: ["subscription"], registers });
  const reconnects = new Counter({ name: "rollcall_zoom_websocket_reconnects_total", help: "Connection attempts after a lost or failed one", labelNames: ["subscription"], registers });
  const messages = new Counter({ name: "rollcall_zoom_websocket_messages_total", help: "Frames received, by what became of them", labelNames: ["subscription", "outcome"], registers });
  const gapSeconds = new Counter({ name: "rollcall_zoom_websocket_gap_seconds_total", help: "Seconds without an open connection (closed gaps), which reconciliation repairs", labelNames: ["subscription"], registers });
  return {
    observer(subscription: string, ctx: WorkerContext): DoorObserver {
      connected.labels({ subscription }).set(0);
      reconnects.labels({ subscription }).inc(0);
      gapSeconds.labels({ subscription }).inc(0);
      return {
        state(state) {
          connected.labels({ subscription }).set(state === "connected" ? 1 : 0);
          ctx.doors?.set(`websocket:${subscription}`, state);
        },
        frame: (outcome) => messages.labels({ subscription, outcome }).inc(),
        reconnect: () => reconnects.labels({ subscription }).inc(),
        gapClosed: (seconds) => gapSeconds.labels({ subscription }).inc(seconds),
      };
    },
  };
}
