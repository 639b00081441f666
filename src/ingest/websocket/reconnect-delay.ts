/** Exponential backoff of reconnects: the first waits up to `baseMs`, each further one twice as long, capped. */
export interface ReconnectBackoff {
  baseMs: number;
  capMs: number;
}

/** Zoom's WebSocket: start at 1 s, never wait more than 60 s between tries. */
export const defaultReconnectBackoff: ReconnectBackoff = { baseMs: 1000, capMs: 60_000 };

/**
 * The wait before reconnect attempt `attempt` (0 = the first after a loss): "full jitter", a
 * random share of the exponential bound, so processes that lost their connections together do not
 * come back together.
 */
export function reconnectDelayMs(attempt: number, backoff: ReconnectBackoff, random: () => number = Math.random): number {
  const bound = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(bound * random());
}
