import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import { attendanceReport } from "../reports/index.js";
import type { Database, DialectName } from "../store/index.js";
import { createEventFeed, startPosition, type EventFeed, type EventFeedOptions } from "./event-feed.js";

export interface LiveStreamsOptions {
  db: Kysely<Database>;
  /** Default `sqlite`; on `postgres` the streams wait for ids a transaction still holds (see `createEventFeed`). */
  dialect?: DialectName;
  policy?: StatusPolicy;
  /** How often new events are looked for (default 250 ms). Events are read from the database, so every process streams every process's events. */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** PostgreSQL: how long a missing event id is waited for (default 10 s). */
  gapWaitMs?: number;
}

/** The open live streams of one server. */
export interface LiveStreams {
  /**
   * Answers `request` with one instance's Server-Sent Events: first the current attendance report
   * (`event: roster`) when the instance is known, then every event of the instance as it is
   * written (`event: attendee.joined`, …; `data` is the JSON body a webhook carries). An instance
   * with no events yet gets an open stream all the same (its events follow when they come).
   * Every message has an `id:`; a client that reconnects with `Last-Event-ID` gets exactly the
   * events after that one. Throws `RangeError` for a `Last-Event-ID` that is not an event id.
   */
  openInstance(instanceUuid: string, request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /**
   * Answers `request` with every instance's events, as {@link openInstance} sends one instance's
   * (same ids, so `Last-Event-ID` resumes it); a new client first gets `event: ready` carrying the
   * id it starts after.
   */
  openAll(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Ends every open stream (before the server closes: open streams never go idle). */
  closeAll(): void;
}

/**
 * The live streams behind `GET /api/v1/live` and `GET /api/v1/instances/{uuid}/live`.
 */
export function createLiveStreams(options: LiveStreamsOptions): LiveStreams {
  const open = new Set<() => void>();
  const feedOptions = (instanceUuid?: string): EventFeedOptions => ({
    db: options.db,
    dialect: options.dialect ?? "sqlite",
    ...(instanceUuid !== undefined ? { instanceUuid } : {}),
    ...(options.gapWaitMs !== undefined ? { gapWaitMs: options.gapWaitMs } : {}),
  });

  return {
    closeAll() {
      for (const end of [...open]) end();
    },
    async openInstance(uuid, request, reply) {
      const resumeFrom = lastEventId(request);
      const feed = feedOptions(uuid);
      let first: string | undefined;
      const position = resumeFrom ?? (await startPosition(feed));
      if (resumeFrom === undefined) {
        // The position first, the roster after: an event in between is sent twice at worst, never missed.
        const roster = await attendanceReport(options.db, uuid, options.policy ? { policy: options.policy } : {});
        if (roster !== undefined) first = message(position, "roster", JSON.stringify(roster));
      }
      stream(request, reply, createEventFeed(feed, position), first);
    },
    async openAll(request, reply) {
      const resumeFrom = lastEventId(request);
      const feed = feedOptions();
      const position = resumeFrom ?? (await startPosition(feed));
      stream(request, reply, createEventFeed(feed, position), resumeFrom === undefined ? message(position, "ready", JSON.stringify({ lastEventId: String(position) })) : undefined);
    },
  };

  /** Takes over the response: headers, the first message, then the feed's events as they come. */
  function stream(request: FastifyRequest, reply: FastifyReply, feed: EventFeed, first: string | undefined): void {
    const pollMs = options.pollMs ?? 250;
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
    raw.write(`retry: 1000\n\n`);
    if (first !== undefined) raw.write(first);
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    const end = (): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      open.delete(end);
      raw.end();
    };
    open.add(end);
    raw.on("close", end);
    const poll = async (): Promise<void> => {
      if (closed) return;
      try {
        const events = await feed.next();
        for (const event of events) raw.write(message(event.id, event.type, event.body));
        if (events.length > 0) lastWrite = Date.now();
        if (Date.now() - lastWrite >= heartbeatMs) {
          raw.write(`: keep-alive\n\n`);
          lastWrite = Date.now();
        }
        if (!closed) timer = setTimeout(() => void poll(), events.length === 500 ? 0 : pollMs);
      } catch (error) {
        request.log.error({ errorCode: (error as { code?: string }).code ?? "error" }, "live stream: reading events failed");
        end();
      }
    };
    void poll();
  }
}

/** One Server-Sent Events message. */
function message(id: number, event: string, data: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
}

/** The `Last-Event-ID` a reconnecting client sent, or undefined; `RangeError` when it is not an event id. */
function lastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers["last-event-id"];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new RangeError("last-event-id: expected the id of an event this stream sent");
  return Number(value);
}
