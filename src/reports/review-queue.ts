import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { unresolvedReview, type ReviewSession } from "./unresolved-review.js";
import { unresolvedSessions } from "./unresolved-sessions.js";
import { isoTime } from "../json/index.js";

/** One session of the review queue: what `unresolvedReview` says of it, and the instance it belongs to. */
export interface ReviewQueueItem extends ReviewSession {
  instanceUuid: string;
  meetingId: string;
  topic: string | null;
  /** ISO-8601 start of the instance (or its first activity). */
  instanceStart: string | null;
}

/**
 * Every session nobody was found for, newest instance first (or one instance's), each with its
 * evidence, join and leave times and suggested users: the dashboard's review queue and
 * `GET /api/v1/unresolved`.
 */
export async function reviewQueue(db: Kysely<Database>, options: { limit?: number; instanceUuid?: string } = {}): Promise<ReviewQueueItem[]> {
  const queue = await unresolvedSessions(db, options);
  const reviews = new Map<string, Map<string, ReviewSession>>();
  for (const item of queue) {
    if (reviews.has(item.instanceUuid)) continue;
    const review = (await unresolvedReview(db, item.instanceUuid, { accountId: item.accountId })) ?? [];
    reviews.set(item.instanceUuid, new Map(review.map((r) => [r.sessionKey, r])));
  }
  return queue.flatMap((item) => {
    const review = reviews.get(item.instanceUuid)?.get(item.sessionKey);
    if (!review) return []; // resolved between the two reads
    return [{ ...review, instanceUuid: item.instanceUuid, meetingId: item.meetingId, topic: item.topic, instanceStart: isoTime(item.instanceStart) }];
  });
}
