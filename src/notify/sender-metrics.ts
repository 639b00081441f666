import { Counter, Gauge, type Registry } from "prom-client";
import type { RollcallDatabase } from "../store/index.js";

/** The sender's counters (the gauges read the outbox when scraped). */
export interface SenderMetrics {
  deliveries: Counter<"outcome">;
  attempts: Counter;
  endpointsDisabled: Counter;
}

/**
 * Deliveries by outcome, attempts, endpoints disabled for answering 410, outbox depth and the age
 * of the oldest undelivered message. Registered once per registry (several senders share them).
 */
export function createSenderMetrics(registry: Registry, store: RollcallDatabase, now: () => number): SenderMetrics {
  const existing = registry.getSingleMetric("rollcall_outbound_webhook_deliveries_total") as Counter<"outcome"> | undefined;
  if (existing) {
    return {
      deliveries: existing,
      attempts: registry.getSingleMetric("rollcall_outbound_webhook_attempts_total") as Counter,
      endpointsDisabled: registry.getSingleMetric("rollcall_webhook_endpoints_disabled_total") as Counter,
    };
  }
  const deliveries = new Counter({
    name: "rollcall_outbound_webhook_deliveries_total",
    help: "Outbound webhook attempts by outcome: delivered, failed (to be retried), dead (dead-lettered)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const attempts = new Counter({ name: "rollcall_outbound_webhook_attempts_total", help: "Outbound webhook delivery attempts", registers: [registry] });
  const endpointsDisabled = new Counter({
    name: "rollcall_webhook_endpoints_disabled_total",
    help: "Webhook endpoints disabled because their receiver answered 410 Gone (their pending messages were dead-lettered)",
    registers: [registry],
  });
  new Gauge({
    name: "rollcall_outbound_webhook_outbox_depth",
    help: "Outbound webhook messages not yet delivered (pending)",
    registers: [registry],
    async collect() {
      const row = await store.db.selectFrom("webhook_messages").select((eb) => eb.fn.countAll<number>().as("n")).where("state", "=", "pending").executeTakeFirstOrThrow();
      this.set(Number(row.n));
    },
  });
  new Gauge({
    name: "rollcall_outbound_webhook_oldest_undelivered_seconds",
    help: "Age of the oldest pending outbound webhook message (0 when none)",
    registers: [registry],
    async collect() {
      const row = await store.db.selectFrom("webhook_messages").select((eb) => eb.fn.min<number>("created_at").as("oldest")).where("state", "=", "pending").executeTakeFirst();
      this.set(row?.oldest == null ? 0 : Math.max(0, (now() - Number(row.oldest)) / 1000));
    },
  });
  return { deliveries, attempts, endpointsDisabled };
}
