/** How one door for Zoom's events stands, as `/readyz` lists it. */
export type DoorState =
  /** Webhooks: the route is served. */
  | "open"
  /** WebSocket: connected, and Zoom accepted the connection. */
  | "connected"
  /** WebSocket: this process holds the subscription and is (re)connecting. */
  | "connecting"
  /** WebSocket: another process holds the subscription; this one takes over if it dies. */
  | "standby"
  /** Not running (stopped, or not served by this process's role). */
  | "closed";

/** Where doors say how they stand, and `/readyz` reads it. */
export interface DoorBoard {
  set(door: string, state: DoorState): void;
  snapshot(): Record<string, DoorState>;
}

/** A board backed by a map, in the order doors were first reported. */
export function createDoorBoard(): DoorBoard {
  const states = new Map<string, DoorState>();
  return {
    set: (door, state) => void states.set(door, state),
    snapshot: () => Object.fromEntries(states),
  };
}
