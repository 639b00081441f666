import { sql } from "kysely";
import type { Registry } from "prom-client";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import type { RollcallDatabase } from "../store/index.js";
import { attemptDelivery, type Outcome } from "./delivery-attempt.js";
import { disableEndpoint, goneReason } from "./endpoint-status.js";
import { createWebhookTransport } from "./post-webhook.js";
import { nextAttemptDelayMs } from "./retry-schedule.js";
import { createSenderMetrics } from "./sender-metrics.js";

/** How the sender runs. */
export interface WebhookSenderOptions {
  /** `ROLLCALL_WEBHOOK_RETRY_SECONDS`: wait before each attempt, the first included. */
  retrySeconds: readonly number[];
  /** One request's limit (`ROLLCALL_WEBHOOK_TIMEOUT_SECONDS`, default 10 s). */
  timeoutMs: number;
  /** `ROLLCALL_WEBHOOK_ALLOW_PRIVATE`. */
  allowPrivate: boolean;
  /** Requests in flight at once, over all endpoints (default 32). */
  concurrency?: number;
  /** Requests in flight at once to one endpoint (default 4), so a slow endpoint cannot take every slot. */
  perEndpoint?: number;
  /** How often to look for due messages when idle (default 250 ms). */
  pollMs?: number;
  /**
   * How long a claimed message is left alone before another sender may take it again (default: the
   * timeout plus 30 s). A sender killed mid-delivery is retried after this, with the same `webhook-id`.
   */
  leaseMs?: number;
  logger?: { warn(o: Record<string, unknown>, m: string): void; error(o: Record<string, unknown>, m: string): void };
  /** Registers the sender's metrics here. */
  registry?: Registry;
  now?: () => number;
}

interface Claimed {
  id: number;
  messageId: string;
  endpointId: string;
  body: string;
  attempt: number;
}

/** The outbox sender: claims due messages, delivers them signed, records each attempt. */
export interface WebhookSender {
  /** Starts the background loop. */
  start(): void;
  /** Stops claiming and waits for the requests in flight. */
  stop(): Promise<void>;
  /** One round: claim what is due (up to the free slots) and deliver it; resolves when those are done. Returns how many were attempted. */
  deliverDue(): Promise<number>;
  /** Resolves when nothing is pending (delivered or dead-lettered), for tests and tools. */
  drained(timeoutMs?: number): Promise<void>;
}

/**
 * Creates the sender over an open store. Messages are claimed in short transactions (on
 * PostgreSQL `FOR UPDATE SKIP LOCKED`, so several processes share the work and each message goes
 * to one of them) and only the head of each (endpoint, instance) queue is claimable, so per
 * endpoint and instance messages go out in the order they were written. A claim counts the attempt
 * and leases the message; the request runs outside any transaction; the outcome is recorded after.
 * Non-2xx answers, timeouts and connection errors are retried on the schedule, then dead-lettered;
 * a `410 Gone` is not retried: it disables the endpoint and dead-letters what was pending for it.
 * Each endpoint has its own slots, and a failing one waits for its retry times, so it never holds up
 * the others.
 */
export function createWebhookSender(store: RollcallDatabase, options: WebhookSenderOptions): WebhookSender {
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 32;
  const perEndpoint = options.perEndpoint ?? 4;
  const pollMs = options.pollMs ?? 250;
  const leaseMs = options.leaseMs ?? options.timeoutMs + 30_000;
  const inFlight = new Map<number, Promise<void>>();
  const endpointLoad = new Map<string, number>();
  const metrics = options.registry ? createSenderMetrics(options.registry, store, now) : undefined;
  const transport = createWebhookTransport();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function claim(limit: number): Promise<Claimed[]> {
    if (limit <= 0) return [];
    const at = now();
    return withWriteTransaction(store, async (trx) => {
      let query = trx
        .selectFrom("webhook_messages as m")
        .select(["m.id", "m.message_id", "m.endpoint_id", "m.body", "m.attempts"])
        .where("m.state", "=", "pending")
        .where("m.next_attempt_at", "<=", at)
        // Only the head of its (endpoint, instance) queue: order is kept per endpoint and instance.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("webhook_messages as p")
                .select("p.id")
                .whereRef("p.endpoint_id", "=", "m.endpoint_id")
                .whereRef("p.instance_uuid", "=", "m.instance_uuid")
                .where("p.state", "=", "pending")
                .whereRef("p.id", "<", "m.id"),
            ),
          ),
        )
        .orderBy("m.next_attempt_at")
        .orderBy("m.id")
        .limit(Math.max(limit * 4, 50));
      if (store.dialect === "postgres") query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      const picked: Claimed[] = [];
      const load = new Map(endpointLoad);
      for (const row of rows) {
        if (picked.length >= limit) break;
        const busy = load.get(row.endpoint_id) ?? 0;
        if (busy >= perEndpoint) continue;
        load.set(row.endpoint_id, busy + 1);
        picked.push({ id: Number(row.id), messageId: row.message_id, endpointId: row.endpoint_id, body: row.body, attempt: Number(row.attempts) + 1 });
      }
      if (picked.length > 0) {
        await trx
          .updateTable("webhook_messages")
          .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: at + leaseMs, updated_at: at })
          .where("id", "in", picked.map((p) => p.id))
          .execute();
      }
      return picked;
    });
  }

  async function attempt(message: Claimed): Promise<Outcome> {
    const endpoint = await store.db.selectFrom("webhook_endpoints").selectAll().where("id", "=", message.endpointId).executeTakeFirst();
    return attemptDelivery(endpoint, message, { transport, timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate, now: now() });
  }

  async function deliver(message: Claimed): Promise<void> {
    const started = now();
    const outcome = await attempt(message);
    const finished = now();
    const delay = outcome.ok || outcome.final ? undefined : nextAttemptDelayMs(options.retrySeconds, message.attempt);
    const state = outcome.ok ? "delivered" : delay === undefined ? "dead" : "pending";
    // The record keeps the start of the receiver's answer; the log line below does not.
    const error = outcome.ok ? null : outcome.detail === undefined ? outcome.error : `${outcome.error}: ${outcome.detail}`;
    const disabled = await withWriteTransaction(store, async (trx) => {
      // Only if no other sender took it again meanwhile (its lease ran out): that one records its own attempt.
      await trx
        .updateTable("webhook_messages")
        .set({ state, next_attempt_at: delay === undefined ? finished : finished + delay, last_status: outcome.status, last_error: error, delivered_at: outcome.ok ? finished : null, updated_at: finished })
        .where("id", "=", message.id)
        .where("attempts", "=", message.attempt)
        .where("state", "=", "pending")
        .execute();
      await trx
        .insertInto("webhook_attempts")
        .values({ message_row_id: message.id, endpoint_id: message.endpointId, attempt: message.attempt, status: outcome.status, error, duration_ms: finished - started, attempted_at: started })
        .execute();
      // 410: the receiver says it is gone for good; the endpoint's other pending messages go dead with this one.
      return !outcome.ok && outcome.gone === true && (await disableEndpoint(trx, message.endpointId, goneReason, finished));
    });
    metrics?.attempts.inc();
    metrics?.deliveries.inc({ outcome: outcome.ok ? "delivered" : state === "dead" ? "dead" : "failed" });
    if (!outcome.ok) options.logger?.warn({ endpoint: message.endpointId, webhookId: message.messageId, attempt: message.attempt, status: outcome.status, error: outcome.error, next: state }, "outbound webhook failed");
    if (disabled) {
      metrics?.endpointsDisabled.inc();
      options.logger?.warn({ endpoint: message.endpointId, webhookId: message.messageId }, "outbound webhook endpoint disabled: its receiver answered 410 Gone; its pending messages are dead letters (enable it, then replay them)");
    }
  }

  function launch(message: Claimed): void {
    endpointLoad.set(message.endpointId, (endpointLoad.get(message.endpointId) ?? 0) + 1);
    const run = deliver(message)
      .catch((error: unknown) => options.logger?.error({ webhookId: message.messageId, errorCode: (error as { code?: string }).code ?? "error" }, "outbound webhook: recording the attempt failed"))
      .finally(() => {
        inFlight.delete(message.id);
        const left = (endpointLoad.get(message.endpointId) ?? 1) - 1;
        if (left <= 0) endpointLoad.delete(message.endpointId);
        else endpointLoad.set(message.endpointId, left);
        wake?.();
      });
    inFlight.set(message.id, run);
  }

  async function deliverDue(): Promise<number> {
    const claimed = await claim(concurrency - inFlight.size);
    for (const message of claimed) launch(message);
    await Promise.all(claimed.map((m) => inFlight.get(m.id)));
    return claimed.length;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed: Claimed[] = [];
      try {
        claimed = await claim(concurrency - inFlight.size);
      } catch (error) {
        options.logger?.error({ errorCode: (error as { code?: string }).code ?? "error" }, "outbound webhook: claiming failed");
      }
      for (const message of claimed) launch(message);
      if (claimed.length > 0 && inFlight.size < concurrency) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wake = undefined;
      clearTimeout(timer);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await Promise.all(inFlight.values());
      transport.close();
    },
    deliverDue,
    async drained(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pending = await store.db.selectFrom("webhook_messages").select((eb) => eb.fn.countAll<number>().as("n")).where("state", "=", "pending").executeTakeFirstOrThrow();
        if (Number(pending.n) === 0 && inFlight.size === 0) return;
        if (Date.now() > deadline) throw new Error(`outbound webhooks: ${pending.n} messages still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
