import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { StatusPolicy } from "../config/index.js";
import { attendanceReport } from "../reports/index.js";
import type { RollcallDatabase } from "../store/index.js";

export interface LiveStreamOptions {
  store: RollcallDatabase;
  policy?: StatusPolicy;
  /** Runs before the stream opens (the API's bearer check); it may answer and stop the request. */
  preHandler?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** How often new events are looked for (default 250 ms). Events are read from the database, so every process streams every process's events. */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
}

/** The path of the live stream of one instance. */
export const livePath = "/api/v1/instances/:uuid/live";

/**
 * `GET /api/v1/instances/{uuid}/live` as Server-Sent Events. A new client gets the current
 * attendance report first (`event: roster`), then every event of the instance as it is written
 * (`event: attendee.joined`, `attendee.left`, `attendance.updated`, `session.unresolved`,
 * `instance.*`; `data` is the same JSON body a webhook carries). Every message has an `id:`; a
 * client that reconnects with `Last-Event-ID` gets exactly the events after that one, so it misses
 * nothing. 404 for an unknown instance.
 *
 * @example
 * await app.register(liveStreamRoute, { store, preHandler: requireApiKey });
 */
export async function liveStreamRoute(app: FastifyInstance, options: LiveStreamOptions): Promise<void> {
  const pollMs = options.pollMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  // Open streams never go idle: end them when the server closes, or shutdown would wait on them.
  app.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  app.get<{ Params: { uuid: string }; Querystring: { lastEventId?: string } }>(
    livePath,
    options.preHandler ? { preHandler: options.preHandler } : {},
    async (request, reply) => {
      const db = options.store.db;
      const uuid = request.params.uuid;
      const header = request.headers["last-event-id"];
      const resumeFrom = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
      let last: number;
      let roster: unknown;
      if (resumeFrom !== undefined && resumeFrom !== "") {
        if (!/^\d+$/.test(resumeFrom)) return reply.code(400).send({ error: { code: "invalid_last_event_id", message: "Last-Event-ID: expected the id of an event this stream sent" } });
        last = Number(resumeFrom);
      } else {
        // The newest id first, the roster after: an event in between is sent twice at worst, never missed.
        const newest = await db.selectFrom("notify_events").select((eb) => eb.fn.max<number>("id").as("id")).where("instance_uuid", "=", uuid).executeTakeFirst();
        last = Number(newest?.id ?? 0);
        roster = await attendanceReport(db, uuid, options.policy ? { policy: options.policy } : {});
        if (roster === undefined && last === 0) return reply.code(404).send({ error: { code: "not_found", message: `instance: no instance "${uuid}"` } });
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
    },
  );
}
