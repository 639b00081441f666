/** Zoom's events into the inbox, by either door: signed webhooks (`src/http`) or Zoom's WebSocket (`./websocket`). */
export { inboxEventFor, type Arrival } from "./inbox-event-for.js";
export type { PrepareBodyForStorage } from "./prepare-body.js";
