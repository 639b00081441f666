import type { WebSocket as WsSocket } from "ws";
import { heartbeatFrame, readZoomSocketFrame } from "../../zoom/websocket/index.js";

/** The `ws` client class (loaded when a WebSocket door opens, so other starts never load it). */
export type WebSocketClass = typeof WsSocket;

/** How one connection keeps itself alive and decides it is dead. */
export interface SocketTiming {
  /** Heartbeat frame and WebSocket ping interval (Zoom drops a client silent for 30 s). */
  heartbeatMs: number;
  /** No frame and no pong for this long: the connection is dead, whatever TCP says. */
  deadAfterMs: number;
  /** Longest wait for Zoom's `build_connection` answer. */
  handshakeTimeoutMs: number;
}

/** What one connection hands its owner. */
export interface SocketListener {
  /** An event frame's content (the event's JSON text) and when it arrived. */
  event(content: string, receivedAt: number): void;
  /** A frame that is not an event Rollcall can read. */
  malformed(reason: string, frame: string, receivedAt: number): void;
  /** Any other frame (heartbeat answers, modules this client does not know), for the count. */
  other(module: string): void;
}

/** How a connection ended. */
export interface SocketEnd {
  /** WebSocket close code (1006: dropped without a close frame; 4000: declared dead here). */
  code: number;
  reason: string;
  at: number;
}

/** One connection to Zoom's event WebSocket. */
export interface ZoomSocket {
  /** Resolves when Zoom answers `build_connection` with success; rejects when refused, closed or too slow. */
  readonly ready: Promise<void>;
  /** Resolves once, when the connection is over. */
  readonly ended: Promise<SocketEnd>;
  /** Closes it (normal closure); `ended` resolves after. */
  close(reason: string): void;
}

/** Zoom (or the network) refused a connection: the socket opened and closed, or said `success: false`. */
export class SocketRefusedError extends Error {
  override name = "SocketRefusedError";
  constructor(
    message: string,
    /** True when Zoom answered `build_connection` with `success: false` (e.g. a bad or expired token). */
    readonly refusedByZoom: boolean,
  ) {
    super(message);
  }
}

/** Close code for a connection this side declared dead (no frame, no pong). */
export const deadSocketCode = 4000;

/**
 * Opens one connection and keeps it honest: a heartbeat frame and a ping every `heartbeatMs`,
 * closed as dead when neither a frame nor a pong arrives for `deadAfterMs` (a silent socket can
 * look open for minutes), and not `ready` until Zoom's `build_connection` says success. `url`
 * holds the token: it is never logged.
 */
export function openZoomSocket(WebSocket: WebSocketClass, url: string, timing: SocketTiming, listener: SocketListener, now: () => number = Date.now): ZoomSocket {
  const socket = new WebSocket(url, { handshakeTimeout: timing.handshakeTimeoutMs, perMessageDeflate: false });
  let lastSeen = now();
  let isReady = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});
  let resolveEnded!: (end: SocketEnd) => void;
  const ended = new Promise<SocketEnd>((resolve) => (resolveEnded = resolve));

  const handshake = setTimeout(() => {
    rejectReady(new SocketRefusedError(`no build_connection answer within ${timing.handshakeTimeoutMs} ms`, false));
    socket.terminate();
  }, timing.handshakeTimeoutMs);
  const beat = setInterval(() => {
    if (now() - lastSeen > timing.deadAfterMs) {
      end(deadSocketCode, `silent for more than ${timing.deadAfterMs} ms (no frame, no pong)`);
      socket.terminate();
      return;
    }
    if (socket.readyState !== socket.OPEN) return;
    socket.send(heartbeatFrame);
    socket.ping();
  }, timing.heartbeatMs);

  let over = false;
  function end(code: number, reason: string): void {
    if (over) return;
    over = true;
    clearTimeout(handshake);
    clearInterval(beat);
    if (!isReady) rejectReady(new SocketRefusedError(`closed before Zoom accepted it (code ${code}${reason ? `: ${reason}` : ""})`, false));
    resolveEnded({ code, reason, at: now() });
  }

  socket.on("pong", () => (lastSeen = now()));
  socket.on("message", (data, isBinary) => {
    const at = now();
    lastSeen = at;
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data).toString("utf8");
    if (isBinary) return listener.malformed("frame: expected text, got binary", text, at);
    const frame = readZoomSocketFrame(text);
    switch (frame.kind) {
      case "connection":
        if (frame.success) {
          isReady = true;
          clearTimeout(handshake);
          resolveReady();
        } else {
          rejectReady(new SocketRefusedError(`Zoom refused the connection${frame.detail ? `: ${frame.detail}` : ""}`, true));
          socket.close(1000, "refused");
        }
        return;
      case "event":
        return listener.event(frame.content, at);
      case "malformed":
        return listener.malformed(frame.reason, text, at);
      case "heartbeat":
        return listener.other("heartbeat");
      case "other":
        return listener.other(frame.module);
    }
  });
  socket.on("close", (code, reason) => end(code, reason.toString("utf8").slice(0, 200)));
  // An error (refused TCP, TLS, an HTTP answer instead of an upgrade) is followed by "close".
  socket.on("error", (error) => {
    if (!isReady) rejectReady(new SocketRefusedError(`connection failed: ${describe(error)}`, false));
  });
  socket.on("unexpected-response", (_request, response) => {
    rejectReady(new SocketRefusedError(`connection refused with HTTP ${response.statusCode}`, response.statusCode === 401 || response.statusCode === 403));
    socket.terminate();
  });

  return {
    ready,
    ended,
    close(reason) {
      if (socket.readyState === socket.CONNECTING) socket.terminate();
      else socket.close(1000, reason.slice(0, 120));
    },
  };
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code;
  // Never the URL: it holds the access token.
  return code ?? error.name;
}
