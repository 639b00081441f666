import type { Registry } from "prom-client";
import type { RollcallDatabase } from "../store/index.js";
import { nextStep, recordAttempt, type FinishedAttempt, type NextStep } from "./attempt-record.js";
import { attemptDelivery, type Outcome } from "./delivery-attempt.js";
import { claimDueMessages, type ClaimedMessage } from "./outbox-claim.js";
import { createWebhookTransport } from "./post-webhook.js";
import { createSenderMetrics, type SenderMetrics } from "./sender-metrics.js";

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
  const sender = new OutboxSender(store, options);
  return {
    start: () => sender.start(),
    stop: () => sender.stop(),
    deliverDue: () => sender.deliverDue(),
    drained: (timeoutMs?: number) => sender.drained(timeoutMs),
  };
}

/** The sender's state while it runs: its slots, the requests in flight, the loop. */
class OutboxSender {
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly metrics: SenderMetrics | undefined;
  private readonly transport = createWebhookTransport();
  /** Deliveries running, by message row id. */
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Deliveries running per endpoint id, so one endpoint cannot take every slot. */
  private readonly endpointLoad = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends the loop's idle wait early (a slot came free, or the sender stops). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: RollcallDatabase,
    private readonly options: WebhookSenderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 32;
    this.perEndpoint = options.perEndpoint ?? 4;
    this.pollMs = options.pollMs ?? 250;
    this.leaseMs = options.leaseMs ?? options.timeoutMs + 30_000;
    this.metrics = options.registry ? createSenderMetrics(options.registry, store, this.now) : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all(this.inFlight.values());
    this.transport.close();
  }

  async deliverDue(): Promise<number> {
    const claimed = await this.claim();
    for (const message of claimed) this.launch(message);
    await Promise.all(claimed.map((m) => this.inFlight.get(m.id)));
    return claimed.length;
  }

  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.store.db.selectFrom("webhook_messages").select((eb) => eb.fn.countAll<number>().as("n")).where("state", "=", "pending").executeTakeFirstOrThrow();
      if (Number(pending.n) === 0 && this.inFlight.size === 0) return;
      if (Date.now() > deadline) throw new Error(`outbound webhooks: ${pending.n} messages still pending after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Until stopped: fill the free slots; when nothing more can be claimed, wait for a free slot or the next poll. */
  private async run(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedMessage[] = [];
      try {
        claimed = await this.claim();
      } catch (error) {
        this.options.logger?.error({ errorCode: codeOf(error) }, "outbound webhook: claiming failed");
      }
      for (const message of claimed) this.launch(message);
      if (claimed.length > 0 && this.inFlight.size < this.concurrency) continue;
      await this.idle();
    }
  }

  private async idle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, this.pollMs);
    });
    this.wake = undefined;
    clearTimeout(timer);
  }

  /** Claims what is due, up to the free slots. */
  private async claim(): Promise<ClaimedMessage[]> {
    const limit = this.concurrency - this.inFlight.size;
    if (limit <= 0) return [];
    return claimDueMessages(this.store, { limit, perEndpoint: this.perEndpoint, endpointLoad: this.endpointLoad, at: this.now(), leaseMs: this.leaseMs });
  }

  /** Starts one delivery in a slot; the slot is given back (and the loop woken) when it ends, whatever happened. */
  private launch(message: ClaimedMessage): void {
    this.endpointLoad.set(message.endpointId, (this.endpointLoad.get(message.endpointId) ?? 0) + 1);
    const run = this.deliver(message)
      .catch((error: unknown) => this.options.logger?.error({ webhookId: message.messageId, errorCode: codeOf(error) }, "outbound webhook: recording the attempt failed"))
      .finally(() => this.release(message));
    this.inFlight.set(message.id, run);
  }

  private release(message: ClaimedMessage): void {
    this.inFlight.delete(message.id);
    const left = (this.endpointLoad.get(message.endpointId) ?? 1) - 1;
    if (left <= 0) this.endpointLoad.delete(message.endpointId);
    else this.endpointLoad.set(message.endpointId, left);
    this.wake?.();
  }

  /** One attempt, outside any transaction, then its outcome recorded. */
  private async deliver(message: ClaimedMessage): Promise<void> {
    const startedAt = this.now();
    const outcome = await this.attempt(message);
    const finished: FinishedAttempt = { message, outcome, startedAt, finishedAt: this.now() };
    const step = nextStep(outcome, this.options.retrySeconds, message.attempt);
    const disabled = await recordAttempt(this.store, finished, step);
    this.report(finished, step, disabled);
  }

  private async attempt(message: ClaimedMessage): Promise<Outcome> {
    const endpoint = await this.store.db.selectFrom("webhook_endpoints").selectAll().where("id", "=", message.endpointId).executeTakeFirst();
    return attemptDelivery(endpoint, message, { transport: this.transport, timeoutMs: this.options.timeoutMs, allowPrivate: this.options.allowPrivate, now: this.now() });
  }

  /** Counts the attempt and logs a failure (without the receiver's answer) and a disabled endpoint. */
  private report({ message, outcome }: FinishedAttempt, step: NextStep, disabled: boolean): void {
    const { metrics } = this;
    const { logger } = this.options;
    metrics?.attempts.inc();
    metrics?.deliveries.inc({ outcome: outcome.ok ? "delivered" : step.state === "dead" ? "dead" : "failed" });
    if (!outcome.ok) logger?.warn({ endpoint: message.endpointId, webhookId: message.messageId, attempt: message.attempt, status: outcome.status, error: outcome.error, next: step.state }, "outbound webhook failed");
    if (disabled) {
      metrics?.endpointsDisabled.inc();
      logger?.warn({ endpoint: message.endpointId, webhookId: message.messageId }, "outbound webhook endpoint disabled: its receiver answered 410 Gone; its pending messages are dead letters (enable it, then replay them)");
    }
  }
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? "error";
}
