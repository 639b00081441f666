import type { ScheduledDelivery } from "../simulator/simulation-types.js";

/** One attempt of one delivery, due at a simulated time. */
export interface QueuedAttempt {
  simAt: number;
  /** Ties at the same simulated time go in the order the attempts were queued. */
  order: number;
  delivery: ScheduledDelivery;
  /** 0 = first try. */
  index: number;
}

/**
 * The attempts still to make, in simulated-time order: every delivery's first try, and retries as
 * failures schedule them. First tries are already sorted; retries are few, so kept sorted by insertion.
 */
export class AttemptQueue {
  private order = 0;
  private readonly firstTries: QueuedAttempt[];
  private nextFirst = 0;
  private readonly retries: QueuedAttempt[] = [];

  /** `sorted`: the deliveries in the order they are due. */
  constructor(sorted: readonly ScheduledDelivery[]) {
    this.firstTries = sorted.map((delivery) => ({ simAt: delivery.at, order: this.order++, delivery, index: 0 }));
  }

  /** The earliest attempt due, taken off the queue; undefined when none is left. */
  take(): QueuedAttempt | undefined {
    const a = this.firstTries[this.nextFirst];
    const b = this.retries[0];
    if (a && (!b || a.simAt < b.simAt || (a.simAt === b.simAt && a.order < b.order))) {
      this.nextFirst++;
      return a;
    }
    return this.retries.shift();
  }

  /** Queues the next try of a failed attempt, `delayMs` of simulated time after it. */
  retry(failed: QueuedAttempt, delayMs: number): void {
    const attempt = { simAt: failed.simAt + delayMs, order: this.order++, delivery: failed.delivery, index: failed.index + 1 };
    let i = this.retries.length;
    while (i > 0 && this.retries[i - 1]!.simAt > attempt.simAt) i--;
    this.retries.splice(i, 0, attempt);
  }
}
