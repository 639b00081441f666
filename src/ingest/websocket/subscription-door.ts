import type { Logger } from "pino";
import { isoTime } from "../../json/index.js";
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
  const door = new DoorRun(options);
  const running = door.run().catch((error: unknown) => door.log.error({ errorCode: codeOf(error) }, "websocket: the door stopped"));
  return {
    async stop() {
      door.stop();
      await running;
    },
  };
}

/** One subscription's door while it runs: election, connections, coverage and gaps. */
class DoorRun {
  readonly log: Logger;
  private readonly now: () => number;
  private stopping = false;
  private wake: () => void = () => {};
  private readonly stopSignal = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(private readonly options: SubscriptionDoorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ subscription: options.key.subscriptionId });
  }

  stop(): void {
    this.stopping = true;
    this.wake();
  }

  /** Until stopped: try to become the holder; while holding, keep a connection; otherwise stand by. */
  async run(): Promise<void> {
    const { observer, timing } = this.options;
    observer.state("standby");
    while (!this.stopping) {
      const lock = await this.tryHold();
      if (!lock) {
        observer.state("standby");
        await this.sleep(timing.standbyPollMs);
        continue;
      }
      try {
        await this.hold(lock);
      } catch (error) {
        this.log.error({ errorCode: codeOf(error) }, "websocket: the door failed; letting the subscription go and trying again");
        await this.sleep(timing.backoff.baseMs);
      } finally {
        await lock.release();
      }
    }
    observer.state("closed");
  }

  private async tryHold(): Promise<HolderLock | undefined> {
    try {
      return await tryHoldSubscription(this.options.store, this.options.key.subscriptionId);
    } catch (error) {
      this.log.warn({ errorCode: codeOf(error) }, "websocket: cannot reach the database to elect the subscription's holder; retrying");
      return undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return Promise.race([this.stopSignal, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
  }

  /** While this process holds the subscription: connect, serve, reconnect, until stopped or the hold is lost. */
  private async hold(lock: HolderLock): Promise<void> {
    const { observer, timing, key, store } = this.options;
    let lost = false;
    void lock.lost.then(() => (lost = true));
    await openGap(store.db, key, "no connection (service starting, restarted or taking over)", this.now());
    this.log.info("websocket: holding the subscription");
    let attempt = 0;
    let first = true;
    while (!this.stopping && !lost) {
      observer.state("connecting");
      if (!first) observer.reconnect();
      first = false;
      const ingest = this.createIngest();
      const connected = await this.connect(ingest, attempt);
      if (!connected) {
        ingest.stop();
        await Promise.race([this.sleep(reconnectDelayMs(attempt++, timing.backoff, this.options.random)), lock.lost]);
        continue;
      }
      attempt = 0;
      await this.connected();
      const end = await this.serve(connected.socket, connected.renewAt, ingest, lock);
      await this.afterConnection(end, ingest);
      if (end.kind === "lost") lost = true;
    }
  }

  /** A connection is open and accepted: the gap before it closes. */
  private async connected(): Promise<void> {
    const { observer, key, store } = this.options;
    const gap = await closeGap(store.db, key, "no connection (a holder stopped without recording it)", this.now());
    if (gap) {
      observer.gapClosed((gap.endedAt! - gap.startedAt) / 1000);
      this.log.warn({ gapStartedAt: isoTime(gap.startedAt), gapEndedAt: isoTime(gap.endedAt), gapReason: gap.reason }, "websocket: gap closed; instances live during it are reconciled with Zoom's report once they end");
    }
    observer.state("connected");
    this.log.info("websocket: connected");
  }

  private createIngest(): FrameIngest {
    const { store, inbox, key, app, prepare, keepFrames, observer } = this.options;
    return createFrameIngest({ store, inbox, subscriptionId: key.subscriptionId, app, prepare, keepFrames, logger: this.log, count: (outcome) => observer.frame(outcome) });
  }

  /** One connection attempt: a token, the socket, Zoom's `build_connection` answer. */
  private async connect(ingest: FrameIngest, attempt: number): Promise<{ socket: ZoomSocket; renewAt: number } | undefined> {
    const { tokens, timing, key, observer } = this.options;
    let token: { token: string; renewAt: number };
    try {
      token = await tokens.current();
    } catch (error) {
      this.log.warn({ attempt, errorCode: codeOf(error), error: (error as Error).message }, "websocket: no access token; retrying");
      return undefined;
    }
    const listener = {
      event: (content: string, at: number) => ingest.event(content, at),
      malformed: (reason: string, frame: string, at: number) => ingest.malformed(reason, frame, at),
      other: () => observer.frame("other"),
    };
    const socket = openZoomSocket(this.options.WebSocket, zoomSocketUrl(this.options.url, key.subscriptionId, token.token), timing, listener, this.now);
    try {
      await socket.ready;
      return { socket, renewAt: token.renewAt };
    } catch (error) {
      if (error instanceof SocketRefusedError && error.refusedByZoom) tokens.invalidate(token.token);
      this.log.warn({ attempt, error: (error as Error).message }, "websocket: connection failed");
      socket.close("failed");
      return undefined;
    }
  }

  /**
   * Serves one connected stretch: moves coverage forward as events commit, and before the token
   * is due opens a second connection with a fresh one, which replaces this one (Zoom closes the
   * older of two; no gap, since one of them is always open).
   */
  private async serve(first: ZoomSocket, firstRenewAt: number, ingest: FrameIngest, lock: HolderLock): Promise<ServeEnd> {
    let socket = first;
    let renewAt = firstRenewAt;
    const coverage = setInterval(() => this.advance(ingest), this.options.timing.coverageEveryMs);
    try {
      for (;;) {
        const next = await this.nextOf(socket, renewAt, lock);
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
        const renewed = await this.connect(ingest, 0);
        if (!renewed) {
          this.log.warn("websocket: could not renew the connection before its token is due; keeping the current one and trying again");
          renewAt = this.now() + this.options.timing.retryRenewalMs;
          continue;
        }
        socket.close("token renewed");
        socket = renewed.socket;
        renewAt = renewed.renewAt;
        this.log.info("websocket: connection renewed with a fresh token");
      }
    } finally {
      clearInterval(coverage);
    }
  }

  /** What comes first: the connection's end, the service stopping, the hold lost, or the token's renewal time. */
  private nextOf(socket: ZoomSocket, renewAt: number, lock: HolderLock): Promise<SocketEnd | "stop" | "lost" | "renew"> {
    const renewal = new Promise<"renew">((resolve) => setTimeout(() => resolve("renew"), Math.max(0, renewAt - this.now())).unref());
    return Promise.race([socket.ended, this.stopSignal.then(() => "stop" as const), lock.lost.then(() => "lost" as const), renewal]);
  }

  private advance(ingest: FrameIngest): void {
    advanceCoverage(this.options.store.db, this.options.key, ingest.committedUntil(this.now())).catch((error: unknown) =>
      this.log.warn({ errorCode: codeOf(error) }, "websocket: coverage not recorded; retrying"),
    );
  }

  /** After a connection ends: let its events commit, record how far they are covered, open the gap. */
  private async afterConnection(end: ServeEnd, ingest: FrameIngest): Promise<void> {
    const { observer, key, store } = this.options;
    const at = end.kind === "ended" ? end.end.at : this.now();
    await ingest.settle(10_000);
    ingest.stop();
    observer.state(end.kind === "stopping" ? "closed" : "connecting");
    if (end.kind === "ended") this.log.warn({ code: end.end.code, reason: end.end.reason }, "websocket: disconnected");
    try {
      await advanceCoverage(store.db, key, Math.min(at, ingest.committedUntil(at)));
      // A lost hold leaves the gap to the next holder, which finds coverage ending here.
      if (end.kind === "lost") return;
      const gap = await openGap(store.db, key, gapReason(end), this.now());
      this.log.warn({ gapStartedAt: isoTime(gap.startedAt), gapReason: gap.reason }, "websocket: gap opened; Zoom does not replay what it sends meanwhile");
    } catch (error) {
      // The next connection records the stretch since coverage ended as a gap instead.
      this.log.error({ errorCode: codeOf(error) }, "websocket: the gap could not be recorded now; it will be when a connection opens");
    }
  }
}

function gapReason(end: ServeEnd): string {
  if (end.kind === "ended") return `disconnected (code ${end.end.code}${end.end.reason ? `: ${end.end.reason}` : ""})`;
  return end.kind === "stopping" ? "stopped" : "holder lost its database session";
}

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: string };
  return typeof e.code === "string" ? e.code : (e.name ?? "error");
}
