import type { Worker } from "../runtime/index.js";
import { createWebhookSender, type WebhookSender } from "./sender.js";

/**
 * The outbox sender as a service worker: its schedule, timeout and address policy come from the
 * config (`ROLLCALL_WEBHOOK_RETRY_SECONDS`, `ROLLCALL_WEBHOOK_TIMEOUT_SECONDS`,
 * `ROLLCALL_WEBHOOK_ALLOW_PRIVATE`), its metrics go to the service's registry.
 */
export function createWebhookSenderWorker(options: { pollMs?: number } = {}): Worker & { sender(): WebhookSender | undefined } {
  let sender: WebhookSender | undefined;
  return {
    name: "webhook-sender",
    start(context) {
      sender = createWebhookSender(context.store, {
        retrySeconds: context.config.webhookRetrySeconds,
        timeoutMs: context.config.webhookTimeoutSeconds * 1000,
        allowPrivate: context.config.webhookAllowPrivate,
        registry: context.metrics.registry,
        logger: context.logger,
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      });
      sender.start();
    },
    async stop() {
      await sender?.stop();
    },
    sender: () => sender,
  };
}
