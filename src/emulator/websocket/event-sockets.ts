import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { AccessTokens } from "../rest/access-tokens.js";
import { zoomTime } from "../zoom-time.js";

/** Path of Zoom's event WebSocket (`wss://ws.zoom.us/ws?subscriptionId=…&access_token=…`). */
export const EVENT_SOCKET_PATH = "/ws";

/** Zoom drops a client that sends nothing for this long (zoom-facts §1.7). */
const idleLimitMs = 30_000;

/** One open connection of a subscription. */
interface Connection {
  socket: WebSocket;
  since: number;
  lastHeard: number;
  timers: NodeJS.Timeout[];
}

/** What `/_emulator/websocket` reports of one subscription. */
export interface SubscriptionStatus {
  subscriptionId: string;
  connected: boolean;
  connectedSince: string | null;
  /** Connections accepted so far (each replaced the one before). */
  connections: number;
  /** Events sent over the socket. */
  delivered: number;
  /** Events with no open connection to take them: lost, as on Zoom. */
  lost: number;
}

/**
 * The emulator's side of Zoom's event WebSocket: checks the token and the subscription, answers
 * `build_connection`, answers heartbeats, keeps one connection per subscription (a new one closes
 * the one before), drops a connection whose token expires or that stays silent for 30 s, and
 * sends events as `{"module":"message","content":"<body>"}`. What it cannot deliver is lost, as on
 * Zoom. Faults on demand: drop, silence, refuse.
 */
export class EventSockets {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly open = new Map<string, Connection>();
  private readonly counts = new Map<string, { connections: number; delivered: number; lost: number }>();
  private refusals = 0;

  constructor(
    private readonly tokens: AccessTokens,
    /** Subscription ids Zoom knows for this app; others are refused. */
    readonly subscriptions: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {
    for (const id of subscriptions) this.counts.set(id, { connections: 0, delivered: 0, lost: 0 });
  }

  /** Serves the socket on `server` at {@link EVENT_SOCKET_PATH}. */
  attach(server: Server): void {
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? "/", "http://emulator");
      if (url.pathname !== EVENT_SOCKET_PATH) return socket.destroy();
      this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, url));
    });
  }

  /** Sends one event body to the subscription's open connection; false when none is open (the event is lost). */
  deliver(subscriptionId: string, body: string): boolean {
    const count = this.count(subscriptionId);
    const connection = this.open.get(subscriptionId);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
      count.lost++;
      return false;
    }
    connection.socket.send(JSON.stringify({ module: "message", content: body }));
    count.delivered++;
    return true;
  }

  /** Sends a frame exactly as given (a broken frame, a module Zoom may add): how tests feed a client nonsense. */
  sendRaw(subscriptionId: string, frame: string): boolean {
    const connection = this.open.get(subscriptionId);
    if (!connection) return false;
    connection.socket.send(frame);
    return true;
  }

  /** Cuts the subscription's connection without a close frame (a network drop); returns how many were cut. */
  drop(subscriptionId?: string): number {
    return this.each(subscriptionId, (c) => c.socket.terminate());
  }

  /** Stops reading and answering the connection (no frames, no pongs): it looks open but is dead. */
  silence(subscriptionId?: string): number {
    return this.each(subscriptionId, (c) => {
      // The underlying TCP socket: paused, nothing is read, so not even pings get their pong.
      (c.socket as unknown as { _socket: Duplex })._socket.pause();
    });
  }

  /** Answers the next `count` connections with `build_connection` `success: false`. */
  refuseNext(count: number): void {
    this.refusals += count;
  }

  /** Every known subscription and where it stands. */
  status(): SubscriptionStatus[] {
    return [...this.counts].map(([subscriptionId, count]) => {
      const connection = this.open.get(subscriptionId);
      return {
        subscriptionId,
        connected: connection !== undefined,
        connectedSince: connection ? zoomTime(connection.since) : null,
        ...count,
      };
    });
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const connection of this.open.values()) connection.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, url: URL): void {
    const subscriptionId = url.searchParams.get("subscriptionId") ?? "";
    const token = url.searchParams.get("access_token") ?? "";
    const refusal = this.refusal(subscriptionId, token);
    if (refusal) {
      ws.send(JSON.stringify({ module: "build_connection", success: false, content: refusal }));
      ws.close(1008, refusal.slice(0, 100));
      return;
    }
    // One connection per subscription: the newer replaces the older.
    this.open.get(subscriptionId)?.socket.close(1000, "replaced by a newer connection");
    const connection: Connection = { socket: ws, since: this.now(), lastHeard: this.now(), timers: [] };
    this.open.set(subscriptionId, connection);
    this.count(subscriptionId).connections++;
    const expiresInMs = (this.tokens.expiryOf(token) ?? this.now()) - this.now();
    connection.timers.push(setTimeout(() => ws.close(1008, "access token expired"), Math.max(0, expiresInMs)));
    connection.timers.push(
      setInterval(() => {
        if (this.now() - connection.lastHeard > idleLimitMs) ws.close(1001, "no heartbeat for 30 s");
      }, 1000),
    );
    ws.on("message", (data) => {
      connection.lastHeard = this.now();
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      if ((frame as { module?: unknown }).module === "heartbeat") ws.send(JSON.stringify({ module: "heartbeat", success: true }));
    });
    ws.on("close", () => {
      for (const timer of connection.timers) clearTimeout(timer);
      if (this.open.get(subscriptionId) === connection) this.open.delete(subscriptionId);
    });
    ws.send(JSON.stringify({ module: "build_connection", success: true, content: "connected" }));
  }

  private refusal(subscriptionId: string, token: string): string | undefined {
    if (this.refusals > 0) {
      this.refusals--;
      return "connection refused (injected by the emulator)";
    }
    if (!this.subscriptions.has(subscriptionId)) return `no such subscription: ${subscriptionId.slice(0, 64)}`;
    const check = this.tokens.check(`Bearer ${token}`);
    if (check !== "ok") return check === "expired" ? "Access token is expired." : "Invalid access token.";
    return undefined;
  }

  private each(subscriptionId: string | undefined, act: (connection: Connection) => void): number {
    let n = 0;
    for (const [id, connection] of this.open) {
      if (subscriptionId !== undefined && id !== subscriptionId) continue;
      act(connection);
      n++;
    }
    return n;
  }

  private count(subscriptionId: string) {
    let count = this.counts.get(subscriptionId);
    if (!count) this.counts.set(subscriptionId, (count = { connections: 0, delivered: 0, lost: 0 }));
    return count;
  }
}
