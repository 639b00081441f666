/** One verified delivery, ready to be stored in the inbox. Times are epoch milliseconds. */
export interface NewInboxEvent {
  /** `contentKey(body)`: equal for redeliveries of the same event. */
  dedupeKey: string;
  event: string;
  accountId: string | null;
  instanceUuid: string | null;
  /** The body text to keep: the raw body, or what the privacy mode left of it. */
  body: string;
  /** Audit headers (timestamp, tracking id, user agent, signature, which app verified it). */
  headers: Record<string, string>;
  receivedAt: number;
  eventTs: number | null;
}

/** The outcome of storing one delivery. */
export interface AppendResult {
  /** The inbox row id (the existing row's for a redelivery). */
  id: number;
  /** True when the event was already in the inbox (or earlier in the same commit). */
  duplicate: boolean;
}

/** One write of a group commit: a delivery (`deliveries` of the same event), and the row that may hold it already. */
export interface InboxWrite {
  event: NewInboxEvent;
  deliveries: number;
  /**
   * The row this process stored the event in before (see `RecentKeys`): its count grows instead of a
   * new row landing. Absent, or no longer that event's row: a new row.
   */
  knownId?: number | undefined;
}

/** What became of one {@link InboxWrite}: the row holding it, and whether that was `knownId`'s (counted) or a new one. */
export interface InboxWritten {
  id: number;
  counted: boolean;
}
