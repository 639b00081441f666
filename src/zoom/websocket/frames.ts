import { isRecord } from "../../json/index.js";

/**
 * One frame of Zoom's event WebSocket, read (zoom-facts §1.7): Zoom's answer to a new connection,
 * a heartbeat (Zoom may or may not answer ours), an event, or something else.
 */
export type ZoomSocketFrame =
  /** `build_connection`: `success: false` refuses the connection even though the socket is open. */
  | { kind: "connection"; success: boolean; detail: string }
  | { kind: "heartbeat" }
  /** `message`: `content` is the event's JSON text, the same body a webhook carries. */
  | { kind: "event"; content: string }
  /** Not JSON, no `module`, or a `message` without string `content`: `reason` says which. */
  | { kind: "malformed"; reason: string }
  /** A module this client does not know: harmless, counted, ignored. */
  | { kind: "other"; module: string };

/** Largest `detail` kept from a refusal, so a log line stays a line. */
const maxDetailLength = 200;

/** Reads one text frame. Never throws: a frame that makes no sense is `malformed` with the reason. */
export function readZoomSocketFrame(text: string): ZoomSocketFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "malformed", reason: "frame: expected JSON" };
  }
  if (!isRecord(parsed)) return { kind: "malformed", reason: "frame: expected a JSON object" };
  const module = parsed["module"];
  if (typeof module !== "string" || module === "") return { kind: "malformed", reason: "module: expected a non-empty string" };
  if (module === "heartbeat") return { kind: "heartbeat" };
  if (module === "build_connection") {
    const success = parsed["success"] === true;
    return { kind: "connection", success, detail: refusalDetail(parsed).slice(0, maxDetailLength) };
  }
  if (module === "message") {
    const content = parsed["content"];
    if (typeof content !== "string" || content === "") return { kind: "malformed", reason: "content: expected the event's JSON as a non-empty string" };
    return { kind: "event", content };
  }
  return { kind: "other", module: module.slice(0, 64) };
}

/** The heartbeat a client sends at least every 30 s, or Zoom drops the connection. */
export const heartbeatFrame = JSON.stringify({ module: "heartbeat" });

/**
 * The URL one subscription connects to: the token goes in the query string, not a header
 * (Zoom's samples do so). Never log the result: it holds the token.
 */
export function zoomSocketUrl(base: string, subscriptionId: string, accessToken: string): string {
  const url = new URL(base);
  url.searchParams.set("subscriptionId", subscriptionId);
  url.searchParams.set("access_token", accessToken);
  return url.toString();
}

function refusalDetail(frame: Record<string, unknown>): string {
  for (const key of ["content", "message", "reason", "error"]) {
    const value = frame[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return "";
}
