import type { Logger } from "pino";
import { InboxRefusedError, InboxUnavailableError, type InboxWriter } from "../../store/inbox/index.js";
import type { RollcallDatabase } from "../../store/index.js";
import { InvalidEnvelopeError } from "../../zoom/webhook/index.js";
import { inboxEventFor } from "../inbox-event-for.js";
import type { PrepareBodyForStorage } from "../prepare-body.js";

/** How a frame ended up, the `outcome` label of `rollcall_zoom_websocket_messages_total`. */
export type FrameOutcome = "stored" | "duplicate" | "parked" | "retried" | "other";

/** Dependencies of {@link createFrameIngest}. */
export interface FrameIngestOptions {
  store: RollcallDatabase;
  inbox: InboxWriter;
  subscriptionId: string;
  /** The configured Zoom app the subscription belongs to (kept in the audit headers, like a webhook's). */
  app: string;
  prepare?: PrepareBodyForStorage | undefined;
  /** Keep a malformed frame's text with its reason (only where the privacy mode stores names). */
  keepFrames: boolean;
  logger: Logger;
  count(outcome: FrameOutcome): void;
  /** Wait before retrying an append the inbox could not commit (default 1 s). */
  retryMs?: number;
}

/** Frames of one subscription into the inbox. */
export interface FrameIngest {
  /** Stores one event frame's content; retries while the inbox cannot commit (Zoom never redelivers). */
  event(content: string, receivedAt: number): void;
  /** Parks a frame that is not a readable event, with the reason. */
  malformed(reason: string, frame: string, receivedAt: number): void;
  /** Up to when every event received has been committed: `now`, or just before the oldest still pending. */
  committedUntil(now: number): number;
  /** Waits (at most `timeoutMs`) for the events received so far to be committed. */
  settle(timeoutMs: number): Promise<void>;
  /** Stops retrying: what is still pending stays uncommitted, inside the gap that follows. */
  stop(): void;
}

const maxKeptFrameChars = 64 * 1024;

/**
 * Each event frame goes through the webhook's own path into the inbox: the same envelope checks,
 * content key and privacy filter (`inboxEventFor`), marked in its audit headers as having come
 * by this door. Zoom keeps nothing for a closed connection, so an append the inbox could not
 * commit is retried here until it is, and the subscription's coverage never passes it meanwhile.
 */
export function createFrameIngest(options: FrameIngestOptions): FrameIngest {
  const { inbox, logger } = options;
  const retryMs = options.retryMs ?? 1000;
  const headers = { "x-rollcall-door": "websocket", "x-rollcall-subscription": options.subscriptionId, "x-rollcall-app": options.app };
  const pending = new Map<number, { receivedAt: number; done: Promise<void> }>();
  let nextId = 0;
  let stopped = false;

  async function append(text: string, parsed: unknown, receivedAt: number): Promise<void> {
    let event;
    try {
      event = inboxEventFor(text, parsed, { headers, receivedAt, prepare: options.prepare });
    } catch (error) {
      if (error instanceof InvalidEnvelopeError) return park(error.message, text, receivedAt);
      throw error;
    }
    for (;;) {
      try {
        const result = await inbox.append(event);
        options.count(result.duplicate ? "duplicate" : "stored");
        return;
      } catch (error) {
        if (error instanceof InboxRefusedError) return park(`the database cannot store this event (${error.code})`, text, receivedAt);
        if (!(error instanceof InboxUnavailableError) || stopped) throw error;
        options.count("retried");
        logger.warn({ subscription: options.subscriptionId, errorCode: error.code }, "websocket: the inbox could not commit an event; retrying");
        await new Promise((resolve) => setTimeout(resolve, retryMs));
        if (stopped) throw error;
      }
    }
  }

  async function park(reason: string, frame: string, receivedAt: number): Promise<void> {
    options.count("parked");
    // The reason only: a frame may hold names and e-mails.
    logger.warn({ subscription: options.subscriptionId, reason }, "websocket: frame parked, it is not a Zoom event");
    await options.store.db
      .insertInto("websocket_parked_frames")
      .values({ subscription_id: options.subscriptionId, received_at: receivedAt, reason, frame: options.keepFrames ? frame.slice(0, maxKeptFrameChars) : null })
      .execute()
      .catch((error: unknown) => logger.error({ subscription: options.subscriptionId, errorCode: (error as { code?: string }).code ?? "error" }, "websocket: a parked frame could not be recorded"));
  }

  function track(receivedAt: number, work: Promise<void>): void {
    const id = nextId++;
    const done = work
      .catch((error: unknown) => {
        logger.error({ subscription: options.subscriptionId, errorCode: (error as { code?: string }).code ?? (error as Error).name }, "websocket: an event was not stored; it falls inside the next gap");
        // Left pending on purpose: coverage stays before it, so the gap that follows includes it.
        return new Promise<void>(() => {});
      })
      .then(() => void pending.delete(id));
    pending.set(id, { receivedAt, done });
  }

  return {
    event(content, receivedAt) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch {
        track(receivedAt, park("content: expected the event's JSON", content, receivedAt));
        return;
      }
      track(receivedAt, append(content, parsed, receivedAt));
    },
    malformed(reason, frame, receivedAt) {
      track(receivedAt, park(reason, frame, receivedAt));
    },
    committedUntil(now) {
      let oldest = now;
      for (const { receivedAt } of pending.values()) oldest = Math.min(oldest, receivedAt - 1);
      return oldest;
    },
    async settle(timeoutMs) {
      const all = Promise.all([...pending.values()].map((p) => p.done));
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
    stop() {
      stopped = true;
    },
  };
}
