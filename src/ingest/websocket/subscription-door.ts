import type { Logger } from "pino";
import type { DoorState } from "../../runtime/index.js";
import type { InboxWriter } from "../../store/inbox/index.js";
import type { RollcallDatabase } from "../../store/index.js";
import { zoomSocketUrl } from "../../zoom/websocket/index.js";
import type { PrepareBodyForStorage } from "../prepare-body.js";
import { advanceCoverage, closeGap, openGap, type SubscriptionKey, type WebsocketGap } from "./coverage-repository.js";
import { createFrameIngest, type FrameIngest, type FrameOutcome } from "./frame-ingest.js";
import { tryHoldSubscription, type HolderLock } from "./holder-lock.js";
import { reconnectDelayMs, type ReconnectBackoff } from "./reconnect-delay.js";
import { openZoomSocket, SocketRefusedError, type SocketEnd, type SocketTiming, type WebSocketClass, type ZoomSocket } from "./zoom-socket.js";

/** Access tokens for the subscription's Server-to-Server OAuth app (`AccessTokenProvider` fits). */
export interface SocketTokens {
  current(): Promise<{ token: string; renewAt: number }>;
  invalidate(token: string): void;
}

/** What one subscription's door reports, for metrics and `/readyz`. */
export interface DoorObserver {
  state(state: DoorState): void;
  frame(outcome: FrameOutcome): void;
  reconnect(): void;
  gapClosed(seconds: number): void;
}

/** Timing of one door; every figure has a default fit for Zoom. */
export interface DoorTiming extends SocketTiming {
  backoff: ReconnectBackoff;
  /** How often a standby process tries to take the subscription over. */
  standbyPollMs: number;
  /** How often coverage is moved forward while connected. */
  coverageEveryMs: number;
  /** Renew a connection this long before its token's renewal time comes, at the latest. */
  retryRenewalMs: number;
}

/** Everything one subscription's door needs. */
export interface SubscriptionDoorOptions {
  key: SubscriptionKey;
  app: string;
  /** `ZOOM_WEBSOCKET_URL` (Zoom's `wss://ws.zoom.us/ws`, or the emulator's). */
  url: string;
  tokens: SocketTokens;
  store: RollcallDatabase;
  inbox: InboxWriter;
  prepare?: PrepareBodyForStorage | undefined;
  keepFrames: boolean;
  logger: Logger;
  observer: DoorObserver;
  timing: DoorTiming;
  WebSocket: WebSocketClass;
  now?: () => number;
  random?: () => number;
}

/** One subscription's door, running until stopped. */
export interface SubscriptionDoor {
  /** Resolves once this process has let the subscription go (connection closed, gap opened, hold released). */
  stop(): Promise<void>;
}

/** Why a connected stretch ended. */
type ServeEnd = { kind: "ended"; end: SocketEnd } | { kind: "stopping" } | { kind: "lost" };

/**
 * Keeps one connection to one Zoom WebSocket subscription open for as long as the service runs:
 * becomes its holder (one process among those sharing the database), connects with a fresh S2S
 * token, stores every event frame in the inbox, reconnects with capped exponential backoff and
 * jitter, renews the connection before its token is due, and records every stretch without an open
 * connection as a gap (Zoom replays nothing), which reconciliation then repairs.
 */
export function startSubscriptionDoor(options: SubscriptionDoorOptions): SubscriptionDoor {
  const now = options.now ?? Date.now;
  const { key, logger, observer, timing } = options;
  const log = logger.child({ subscription: key.subscriptionId });
  let stopping = false;
  let wake: () => void = () => {};
  const stopSignal = new Promise<void>((resolve) => (wake = resolve));

  const sleep = (ms: number): Promise<void> => Promise.race([stopSignal, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

  async function run(): Promise<void> {
    observer.state("standby");
    while (!stopping) {
      let lock: HolderLock | undefined;
      try {
        lock = await tryHoldSubscription(options.store, key.subscriptionId);
      } catch (error) {
        log.warn({ errorCode: codeOf(error) }, "websocket: cannot reach the database to elect the subscription's holder; retrying");
      }
      if (!lock) {
        observer.state("standby");
        await sleep(timing.standbyPollMs);
        continue;
      }
      try {
        await hold(lock);
      } catch (error) {
        log.error({ errorCode: codeOf(error) }, "websocket: the door failed; letting the subscription go and trying again");
        await sleep(timing.backoff.baseMs);
      } finally {
        await lock.release();
      }
    }
    observer.state("closed");
  }

  /** While this process holds the subscription: connect, serve, reconnect, until stopped or the hold is lost. */
  async function hold(lock: HolderLock): Promise<void> {
    let lost = false;
    void lock.lost.then(() => (lost = true));
    await openGap(options.store.db, key, "no connection (service starting, restarted or taking over)", now());
    log.info("websocket: holding the subscription");
    let attempt = 0;
    let first = true;
    while (!stopping && !lost) {
      observer.state("connecting");
      if (!first) observer.reconnect();
      first = false;
      const ingest = createIngest();
      const socket = await connect(ingest, attempt);
      if (!socket) {
        ingest.stop();
        await Promise.race([sleep(reconnectDelayMs(attempt++, timing.backoff, options.random)), lock.lost]);
        continue;
      }
      attempt = 0;
      const gap = await closeGap(options.store.db, key, "no connection (a holder stopped without recording it)", now());
      if (gap) {
        observer.gapClosed((gap.endedAt! - gap.startedAt) / 1000);
        log.warn({ gapStartedAt: new Date(gap.startedAt).toISOString(), gapEndedAt: new Date(gap.endedAt!).toISOString(), gapReason: gap.reason }, "websocket: gap closed; instances live during it are reconciled with Zoom's report once they end");
      }
      observer.state("connected");
      log.info("websocket: connected");
      const end = await serve(socket.socket, socket.renewAt, ingest, lock);
      await afterConnection(end, ingest);
      if (end.kind === "lost") lost = true;
    }
  }

  function createIngest(): FrameIngest {
    return createFrameIngest({
      store: options.store,
      inbox: options.inbox,
      subscriptionId: key.subscriptionId,
      app: options.app,
      prepare: options.prepare,
      keepFrames: options.keepFrames,
      logger: log,
      count: (outcome) => observer.frame(outcome),
    });
  }

  /** One connection attempt: a token, the socket, Zoom's `build_connection` answer. */
  async function connect(ingest: FrameIngest, attempt: number): Promise<{ socket: ZoomSocket; renewAt: number } | undefined> {
    let token: { token: string; renewAt: number };
    try {
      token = await options.tokens.current();
    } catch (error) {
      log.warn({ attempt, errorCode: codeOf(error), error: (error as Error).message }, "websocket: no access token; retrying");
      return undefined;
    }
    const socket = openZoomSocket(options.WebSocket, zoomSocketUrl(options.url, key.subscriptionId, token.token), timing, listenerFor(ingest), now);
    try {
      await socket.ready;
      return { socket, renewAt: token.renewAt };
    } catch (error) {
      if (error instanceof SocketRefusedError && error.refusedByZoom) options.tokens.invalidate(token.token);
      log.warn({ attempt, error: (error as Error).message }, "websocket: connection failed");
      socket.close("failed");
      return undefined;
    }
  }

  function listenerFor(ingest: FrameIngest) {
    return {
      event: (content: string, at: number) => ingest.event(content, at),
      malformed: (reason: string, frame: string, at: number) => ingest.malformed(reason, frame, at),
      other: () => observer.frame("other"),
    };
  }

  /**
   * Serves one connected stretch: moves coverage forward as events commit, and before the token
   * is due opens a second connection with a fresh one, which replaces this one (Zoom closes the
   * older of two; no gap, since one of them is always open).
   */
  async function serve(first: ZoomSocket, firstRenewAt: number, ingest: FrameIngest, lock: HolderLock): Promise<ServeEnd> {
    let socket = first;
    let renewAt = firstRenewAt;
    const coverage = setInterval(() => {
      advanceCoverage(options.store.db, key, ingest.committedUntil(now())).catch((error: unknown) => log.warn({ errorCode: codeOf(error) }, "websocket: coverage not recorded; retrying"));
    }, timing.coverageEveryMs);
    try {
      for (;;) {
        const wait = Math.max(0, renewAt - now());
        const renewal = new Promise<"renew">((resolve) => setTimeout(() => resolve("renew"), wait).unref());
        const next = await Promise.race([socket.ended, stopSignal.then(() => "stop" as const), lock.lost.then(() => "lost" as const), renewal]);
        if (next === "stop") {
          socket.close("stopping");
          await socket.ended;
          return { kind: "stopping" };
        }
        if (next === "lost") {
          socket.close("holder lost its database session");
          return { kind: "lost" };
        }
        if (next !== "renew") return { kind: "ended", end: next };
        const renewed = await renew(ingest);
        if (!renewed) {
          renewAt = now() + timing.retryRenewalMs;
          continue;
        }
        const old = socket;
        socket = renewed.socket;
        renewAt = renewed.renewAt;
        old.close("token renewed");
        log.info("websocket: connection renewed with a fresh token");
      }
    } finally {
      clearInterval(coverage);
    }
  }

  async function renew(ingest: FrameIngest): Promise<{ socket: ZoomSocket; renewAt: number } | undefined> {
    const renewed = await connect(ingest, 0);
    if (!renewed) log.warn("websocket: could not renew the connection before its token is due; keeping the current one and trying again");
    return renewed;
  }

  /** After a connection ends: let its events commit, record how far they are covered, open the gap. */
  async function afterConnection(end: ServeEnd, ingest: FrameIngest): Promise<void> {
    const at = end.kind === "ended" ? end.end.at : now();
    await ingest.settle(10_000);
    ingest.stop();
    const reason =
      end.kind === "ended" ? `disconnected (code ${end.end.code}${end.end.reason ? `: ${end.end.reason}` : ""})` : end.kind === "stopping" ? "stopped" : "holder lost its database session";
    observer.state(end.kind === "stopping" ? "closed" : "connecting");
    if (end.kind === "ended") log.warn({ code: end.end.code, reason: end.end.reason }, "websocket: disconnected");
    try {
      await advanceCoverage(options.store.db, key, Math.min(at, ingest.committedUntil(at)));
      // A lost hold leaves the gap to the next holder, which finds coverage ending here.
      if (end.kind !== "lost") {
        const gap = await openGap(options.store.db, key, reason, now());
        log.warn({ gapStartedAt: new Date(gap.startedAt).toISOString(), gapReason: gap.reason }, "websocket: gap opened; Zoom does not replay what it sends meanwhile");
      }
    } catch (error) {
      // The next connection records the stretch since coverage ended as a gap instead.
      log.error({ errorCode: codeOf(error) }, "websocket: the gap could not be recorded now; it will be when a connection opens");
    }
  }

  const running = run().catch((error: unknown) => log.error({ errorCode: codeOf(error) }, "websocket: the door stopped"));
  return {
    async stop() {
      stopping = true;
      wake();
      await running;
    },
  };
}

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: string };
  return typeof e.code === "string" ? e.code : (e.name ?? "error");
}
