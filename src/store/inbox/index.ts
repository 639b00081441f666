export { createInboxWriter, type CommitObserver, type InboxWriter, type InboxWriterOptions } from "./group-commit-writer.js";
export { InboxRefusedError, InboxUnavailableError } from "./inbox-unavailable-error.js";
export { countPendingInboxEvents, inboxBatchWriter, storableDedupeKey, upsertInboxEvents, type InboxBatchWriter, type UpsertedInboxRow } from "./inbox-repository.js";
export type { AppendResult, NewInboxEvent } from "./new-inbox-event.js";
