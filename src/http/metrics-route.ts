import type { FastifyInstance } from "fastify";
import type { RollcallMetrics } from "./metrics.js";

/**
 * `GET /metrics`: Prometheus text exposition of Rollcall's registry.
 */
export async function metricsRoute(app: FastifyInstance, options: { metrics: RollcallMetrics }): Promise<void> {
  app.get("/metrics", async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });
}
