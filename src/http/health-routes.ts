import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { RollcallDatabase } from "../store/index.js";

export interface HealthRoutesOptions {
  store: RollcallDatabase;
  /** Longest wait for the database before `/readyz` answers 503 (default 1000 ms). */
  readyTimeoutMs?: number;
}

/**
 * `GET /healthz`: the process is up (no I/O, so it answers even when the database is down).
 * `GET /readyz`: the database answers a query on the inbox within the timeout; 503 otherwise.
 *
 * @example
 * await app.register(healthRoutes, { store });
 */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? 1000;
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sql`select 1 from inbox_events where 1 = 0`.execute(options.store.db),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "timeout" })), timeoutMs);
        }),
      ]);
      return { status: "ready" };
    } catch (error) {
      request.log.warn({ errorCode: (error as { code?: string }).code ?? "unknown" }, "database not reachable");
      return reply.code(503).send({ status: "unavailable", message: "the database is not reachable" });
    } finally {
      clearTimeout(timer);
    }
  });
}
