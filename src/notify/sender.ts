import { sql } from "kysely";
import { Counter, Gauge, type Registry } from "prom-client";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import type { RollcallDatabase } from "../store/index.js";
import { checkDestination, RefusedDestinationError } from "./destination.js";
import { signingSecrets } from "./endpoints-repository.js";
import { nextAttemptDelayMs } from "./retry-schedule.js";
import { sign } from "./signing.js";

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

/** What became of one attempt. */
type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

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
 * Non-2xx answers, timeouts and connection errors are retried on the schedule, then dead-lettered.
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
    if (!endpoint) return { ok: false, status: null, error: "endpoint removed" };
    try {
      await checkDestination(endpoint.url, { allowPrivate: options.allowPrivate });
    } catch (error) {
      if (error instanceof RefusedDestinationError) return { ok: false, status: null, error: `refused: ${error.message}` };
      return { ok: false, status: null, error: `dns: ${(error as NodeJS.ErrnoException).code ?? "lookup failed"}` };
    }
    const at = now();
    const timestamp = Math.floor(at / 1000);
    try {
      const response = await fetch(endpoint.url, {
        method: "POST",
        body: message.body,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "Rollcall-Webhooks/1",
          "webhook-id": message.messageId,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(signingSecrets(endpoint, at), message.messageId, timestamp, message.body),
        },
      });
      // The answer's body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as Error).name;
      if (name === "TimeoutError" || name === "AbortError") return { ok: false, status: null, error: `timeout after ${options.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string } }).cause;
      return { ok: false, status: null, error: `connection: ${cause?.code ?? (error as Error).message}` };
    }
  }

  async function deliver(message: Claimed): Promise<void> {
    const started = now();
    const outcome = await attempt(message);
    const finished = now();
    const delay = outcome.ok ? undefined : nextAttemptDelayMs(options.retrySeconds, message.attempt);
    const state = outcome.ok ? "delivered" : delay === undefined ? "dead" : "pending";
    await withWriteTransaction(store, async (trx) => {
      // Only if no other sender took it again meanwhile (its lease ran out): that one records its own attempt.
      const updated = await trx
        .updateTable("webhook_messages")
        .set({
          state,
          next_attempt_at: delay === undefined ? finished : finished + delay,
          last_status: outcome.status,
          last_error: outcome.ok ? null : outcome.error,
          delivered_at: outcome.ok ? finished : null,
          updated_at: finished,
        })
        .where("id", "=", message.id)
        .where("attempts", "=", message.attempt)
        .where("state", "=", "pending")
        .executeTakeFirst();
      await trx
        .insertInto("webhook_attempts")
        .values({ message_row_id: message.id, endpoint_id: message.endpointId, attempt: message.attempt, status: outcome.status, error: outcome.ok ? null : outcome.error, duration_ms: finished - started, attempted_at: started })
        .execute();
      return updated;
    });
    metrics?.attempts.inc();
    metrics?.deliveries.inc({ outcome: outcome.ok ? "delivered" : state === "dead" ? "dead" : "failed" });
    if (!outcome.ok) options.logger?.warn({ endpoint: message.endpointId, webhookId: message.messageId, attempt: message.attempt, status: outcome.status, error: outcome.error, next: state }, "outbound webhook failed");
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

/** Deliveries by outcome, attempts, outbox depth and the age of the oldest undelivered message. */
function createSenderMetrics(registry: Registry, store: RollcallDatabase, now: () => number): { deliveries: Counter<"outcome">; attempts: Counter } {
  const existing = registry.getSingleMetric("rollcall_outbound_webhook_deliveries_total") as Counter<"outcome"> | undefined;
  if (existing) return { deliveries: existing, attempts: registry.getSingleMetric("rollcall_outbound_webhook_attempts_total") as Counter };
  const deliveries = new Counter({
    name: "rollcall_outbound_webhook_deliveries_total",
    help: "Outbound webhook attempts by outcome: delivered, failed (to be retried), dead (dead-lettered)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const attempts = new Counter({ name: "rollcall_outbound_webhook_attempts_total", help: "Outbound webhook delivery attempts", registers: [registry] });
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
  return { deliveries, attempts };
}
