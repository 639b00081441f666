import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadConfig, type Config, type ConfigInput } from "../../../src/config/index.js";
import type { WorkerContext } from "../../../src/runtime/index.js";
import { serviceWorkers, startRollcall, type RunningRollcall } from "../../../src/service/index.js";

export const zoomSecret = "notify-test-zoom-secret";

/**
 * The real service (`rollcall serve`'s workers: pipeline with notify, reconcile off, the webhook
 * sender, unless `withoutSender`) on a random port, with loopback endpoints allowed and a short retry schedule.
 */
export async function startNotifyService(
  databaseUrl: string,
  overrides: ConfigInput = {},
  routes: Array<(app: FastifyInstance, context: WorkerContext) => void | Promise<void>> = [],
  options: { withoutSender?: boolean } = {},
): Promise<{ rollcall: RunningRollcall; config: Config }> {
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: "127.0.0.1",
      databaseUrl,
      webhookSecrets: [zoomSecret],
      dataDir: mkdtempSync(join(tmpdir(), "rollcall-notify-")),
      logLevel: (process.env["ROLLCALL_TEST_LOG"] ?? "silent") as "silent",
      webhookAllowPrivate: true,
      webhookRetrySeconds: [0, 0.5, 1, 2, 4],
      webhookTimeoutSeconds: 2,
      ...overrides,
    },
  });
  // Without the sender, messages stay in the outbox in the order a receiver would get them.
  const workers = serviceWorkers(config).filter((w) => !(options.withoutSender && w.name === "webhook-sender"));
  const rollcall = await startRollcall(config, { workers, routes, handleSignals: false, print: () => {} });
  return { rollcall, config };
}
