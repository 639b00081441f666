import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { DoorBoard } from "../runtime/index.js";
import type { InboxWriter } from "../store/inbox/index.js";
import type { RollcallDatabase } from "../store/index.js";

export interface HealthRoutesOptions {
  store: RollcallDatabase;
  /** The inbox writer whose health `/readyz` reports (ingest processes); absent: the database check only. */
  inbox?: InboxWriter;
  /** The doors for Zoom's events and their states, listed by `/readyz` (they never make it fail). */
  doors?: DoorBoard;
  /** Longest wait for the database before `/readyz` answers 503 (default 1000 ms). */
  readyTimeoutMs?: number;
}

/**
 * `GET /healthz`: the process is up (no I/O, so it answers even when the database is down).
 * `GET /readyz`: the inbox can commit now, so a load balancer sends webhooks only where they can be
 * stored: the database answers a query on the inbox within the timeout, and the inbox writer is
 * healthy (its last commit succeeded) or, after a failure, a probe commit on its own path succeeds
 * now (a full SQLite disk or a locked file fails it; PostgreSQL refusing connections fails both).
 * 503 otherwise. Both answers list the doors (`webhook`, `websocket:<subscription>`) and their
 * states; a WebSocket reconnecting keeps a process that can commit ready (its gap is recorded).
 */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? 1000;
  const inbox = options.inbox;
  const doors = (): { doors?: Record<string, string> } => (options.doors ? { doors: options.doors.snapshot() } : {});
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (request, reply) => {
    try {
      await withinTimeout(sql`select 1 from inbox_events where 1 = 0`.execute(options.store.db), timeoutMs);
    } catch (error) {
      request.log.warn({ errorCode: (error as { code?: string }).code ?? "unknown" }, "database not reachable");
      return reply.code(503).header("retry-after", "5").send({ status: "unavailable", message: "the database is not reachable", ...doors() });
    }
    if (inbox && !inbox.healthy && !(await withinTimeout(inbox.probe(), timeoutMs).catch(() => false))) {
      request.log.warn({ errorCode: "inbox_unhealthy" }, "the inbox cannot commit");
      return reply.code(503).header("retry-after", "5").send({ status: "unavailable", message: "the inbox cannot commit", ...doors() });
    }
    return { status: "ready", ...doors() };
  });
}

async function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "timeout" })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
