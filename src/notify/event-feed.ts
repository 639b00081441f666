import type { Kysely } from "kysely";
import type { Database, DialectName } from "../store/index.js";

/** One announced event as a live stream sends it. */
export interface FeedEvent {
  id: number;
  type: string;
  /** The JSON body a webhook carries. */
  body: string;
}

export interface EventFeedOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Only this instance's events (the per-instance stream); absent: every instance's. */
  instanceUuid?: string;
  /**
   * PostgreSQL: how long a missing id is waited for before it is taken for a rolled-back
   * transaction's and passed over (default 10 s).
   */
  gapWaitMs?: number;
  now?: () => number;
}

/** Reads `notify_events` in id order from a position on, for one live stream. */
export interface EventFeed {
  /** The id of the last event passed (sent, or skipped as another instance's). */
  readonly position: number;
  /** The next events after {@link position} (at most 500), advancing it. */
  next(): Promise<FeedEvent[]>;
}

const BATCH = 500;

/**
 * A feed from `position` on. On SQLite one writer commits at a time, so ids become visible in
 * order. On PostgreSQL a transaction takes its ids when it inserts and shows them when it commits,
 * so a later id can be seen before an earlier one: the feed stops at the first missing id and waits
 * for it (at most `gapWaitMs`, after which it is taken for a rolled-back transaction's), so a stream
 * that resumes with `Last-Event-ID` never passes over an event committed late.
 */
export function createEventFeed(options: EventFeedOptions, position: number): EventFeed {
  const gapWaitMs = options.gapWaitMs ?? 10_000;
  const now = options.now ?? Date.now;
  let gapSince: number | undefined;
  const feed = {
    position,
    async next(): Promise<FeedEvent[]> {
      const upTo = options.dialect === "postgres" ? await safeEnd() : undefined;
      if (upTo !== undefined && upTo <= feed.position) return [];
      let query = options.db.selectFrom("notify_events").select(["id", "type", "body"]).where("id", ">", feed.position);
      if (upTo !== undefined) query = query.where("id", "<=", upTo);
      if (options.instanceUuid !== undefined) query = query.where("instance_uuid", "=", options.instanceUuid);
      const rows = (await query.orderBy("id").limit(BATCH).execute()).map((r) => ({ id: Number(r.id), type: r.type, body: r.body }));
      // A full batch stops at its last row; otherwise everything up to the safe end was read.
      feed.position = rows.length === BATCH ? rows.at(-1)!.id : (upTo ?? rows.at(-1)?.id ?? feed.position);
      return rows;
    },
  };

  /** The highest id up to which every id is committed, or was waited for long enough. */
  async function safeEnd(): Promise<number> {
    const ids = (await options.db.selectFrom("notify_events").select("id").where("id", ">", feed.position).orderBy("id").limit(BATCH * 2).execute()).map((r) => Number(r.id));
    let safe = feed.position;
    for (const id of ids) {
      if (id === safe + 1) {
        safe = id;
        continue;
      }
      gapSince ??= now();
      if (now() - gapSince < gapWaitMs) return safe;
      // Waited long enough: a rolled-back insert (or one that lost a race on its once-key) left it.
      gapSince = undefined;
      safe = id;
    }
    gapSince = undefined;
    return safe;
  }
  return feed;
}

/**
 * Where a new stream starts: after the newest event, or on PostgreSQL before the oldest missing
 * id among the latest events when the event after it is younger than `gapWaitMs` (a transaction
 * may still commit it; what the stream then sends twice is harmless, what it missed would not be).
 */
export async function startPosition(options: EventFeedOptions): Promise<number> {
  const rows = await options.db.selectFrom("notify_events").select(["id", "created_at"]).orderBy("id", "desc").limit(BATCH).execute();
  if (rows.length === 0) return 0;
  const newest = Number(rows[0]!.id);
  if (options.dialect !== "postgres") return newest;
  const recent = (options.now ?? Date.now)() - (options.gapWaitMs ?? 10_000);
  let start = newest;
  for (let i = 1; i < rows.length; i++) {
    const later = rows[i - 1]!;
    if (Number(later.id) - Number(rows[i]!.id) > 1 && Number(later.created_at) >= recent) start = Number(rows[i]!.id);
  }
  return start;
}
