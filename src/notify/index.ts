/**
 * Telling the app as it happens: events derived from every change to attendance, written in the
 * change's own transaction to `notify_events` (the live stream) and to a durable outbox per
 * endpoint, delivered signed per the Standard Webhooks spec by the sender worker, retried on a
 * schedule, then dead-lettered and replayable.
 */
export { notifyEventTypes, parseEventTypes, type NotifyEvent, type NotifyEventType, type AttendeeJoinedData, type AttendeeLeftData, type AttendanceUpdatedData, type SessionUnresolvedData, type InstanceEventData } from "./event-types.js";
export { generateSecret, newMessageId, sign } from "./signing.js";
export { factsFromDatabase, factsFromResult, type InstanceFacts } from "./instance-facts.js";
export { deriveEvents } from "./derive-events.js";
export { recordEvents, type RecordedEvents } from "./outbox.js";
export { createNotifyWriter, type NotifyWriter, type NotifyWriterOptions } from "./notify-writer.js";
export { checkDestination, checkEndpointUrl, guardConnection, guardedLookup, refusedAddressReason, RefusedDestinationError } from "./destination.js";
export { disableEndpoint, enableEndpoint, goneReason } from "./endpoint-status.js";
export { answerExcerptBytes, createWebhookTransport, type WebhookAnswer, type WebhookTransport } from "./post-webhook.js";
export { addEndpoint, defaultRotationGraceMs, getEndpoint, listEndpoints, removeEndpoint, rotateEndpointSecret, type NewEndpoint, type WebhookEndpoint } from "./endpoints-repository.js";
export { listDeadLetters, replayDeadLetters, type DeadLetter } from "./dead-letters.js";
export { nextAttemptDelayMs } from "./retry-schedule.js";
export { createWebhookSender, type WebhookSender, type WebhookSenderOptions } from "./sender.js";
export { createWebhookSenderWorker } from "./sender-worker.js";
export { createLiveStreams, type LiveStreams, type LiveStreamsOptions } from "./live-stream.js";
export { createEventFeed, startPosition, type EventFeed, type EventFeedOptions, type FeedEvent } from "./event-feed.js";
