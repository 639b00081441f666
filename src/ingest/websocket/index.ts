/** Zoom's WebSocket door: one connection per subscription, its events into the inbox, its gaps recorded. */
export { createWebsocketDoorWorker, defaultDoorTiming, type WebsocketDoorOptions, type WebsocketSubscription } from "./websocket-door-worker.js";
export type { WebsocketGap } from "./coverage-repository.js";
