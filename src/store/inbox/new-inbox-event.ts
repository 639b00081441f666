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
