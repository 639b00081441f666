import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import { attendanceReport } from "../reports/index.js";
import type { Database } from "../store/index.js";

export interface LiveStreamsOptions {
  db: Kysely<Database>;
  policy?: StatusPolicy;
  /** How often new events are looked for (default 250 ms). Events are read from the database, so every process streams every process's events. */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
}

/** The open live streams of one server. */
export interface LiveStreams {
  /**
   * Answers `request` with the instance's Server-Sent Events. A new client gets the current
   * attendance report first (`event: roster`), then every event of the instance as it is written
   * (`event: attendee.joined`, …; `data` is the JSON body a webhook carries). Every message has an
   * `id:`; a client that reconnects with `Last-Event-ID` gets exactly the events after that one.
   * Resolves false (nothing sent) for an unknown instance, and throws `RangeError` for a
   * `Last-Event-ID` that is not an event id.
   */
  open(instanceUuid: string, request: FastifyRequest, reply: FastifyReply): Promise<boolean>;
  /** Ends every open stream (before the server closes: open streams never go idle). */
  closeAll(): void;
}

/**
 * The live streams behind `GET /api/v1/instances/{uuid}/live`.
 */
export function createLiveStreams(options: LiveStreamsOptions): LiveStreams {
  const pollMs = options.pollMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const db = options.db;
  const open = new Set<() => void>();

  return {
    closeAll() {
      for (const end of [...open]) end();
    },
    async open(uuid, request, reply) {
      const header = request.headers["last-event-id"];
      const resumeFrom = Array.isArray(header) ? header[0] : header;
      let last: number;
      let roster: unknown;
      if (resumeFrom !== undefined && resumeFrom !== "") {
        if (!/^\d{1,15}$/.test(resumeFrom)) throw new RangeError("last-event-id: expected the id of an event this stream sent");
        last = Number(resumeFrom);
      } else {
        // The newest id first, the roster after: an event in between is sent twice at worst, never missed.
        const newest = await db.selectFrom("notify_events").select((eb) => eb.fn.max<number>("id").as("id")).where("instance_uuid", "=", uuid).executeTakeFirst();
        last = Number(newest?.id ?? 0);
        roster = await attendanceReport(db, uuid, options.policy ? { policy: options.policy } : {});
        if (roster === undefined && last === 0) return false;
      }

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
      raw.write(`retry: 1000\n\n`);
      if (roster !== undefined) raw.write(`id: ${last}\nevent: roster\ndata: ${JSON.stringify(roster)}\n\n`);

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
          const rows = await db.selectFrom("notify_events").select(["id", "type", "body"]).where("instance_uuid", "=", uuid).where("id", ">", last).orderBy("id").limit(500).execute();
          for (const row of rows) {
            raw.write(`id: ${row.id}\nevent: ${row.type}\ndata: ${row.body}\n\n`);
            last = Number(row.id);
            lastWrite = Date.now();
          }
          if (Date.now() - lastWrite >= heartbeatMs) {
            raw.write(`: keep-alive\n\n`);
            lastWrite = Date.now();
          }
          if (!closed) timer = setTimeout(() => void poll(), rows.length === 500 ? 0 : pollMs);
        } catch (error) {
          request.log.error({ errorCode: (error as { code?: string }).code ?? "error" }, "live stream: reading events failed");
          end();
        }
      };
      await poll();
      return true;
    },
  };
}
