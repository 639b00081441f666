export { createInboxWriter, type CommitObserver, type InboxWriter, type InboxWriterOptions } from "./group-commit-writer.js";
export { InboxRefusedError, InboxUnavailableError } from "./inbox-unavailable-error.js";
export {
  countPendingInboxEvents,
  inboxBatchWriter,
  insertInboxEvents,
  insertNewInboxEvents,
  storableDedupeKey,
  writeInboxEvents,
  type InboxBatchWriter,
  type InsertedInboxRow,
} from "./inbox-repository.js";
export { keyHash } from "./key-hash.js";
export { RecentKeys, recentKeysOf } from "./recent-keys.js";
export type { AppendResult, InboxWrite, InboxWritten, NewInboxEvent } from "./new-inbox-event.js";
