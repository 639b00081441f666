/** Something waiting for a commit, with the time (`performance.now()`) it must be answered by. */
export interface Deadlined {
  deadline: number;
  settled: boolean;
}

/**
 * Expires what still waits at its deadline, with one timer for all of them instead of one per
 * delivery (a timer set and cleared per request was a measurable part of the webhook's cost).
 * Deadlines come in the order they are added (one timeout for every delivery), so the oldest
 * unsettled one is always next.
 */
export class CommitDeadlines<T extends Deadlined> {
  readonly #waiting: T[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The waiting the timer was set for: when it fires, that one's time is up by the timers' own clock. */
  #armedFor: T | undefined;
  readonly #expire: (waiting: T) => void;

  readonly #readAnswersFirst: boolean;

  /**
   * `readAnswersFirst`: commits are answered by messages (the SQLite commit thread), so expiry waits
   * for the loop's poll phase: when the loop was blocked past a deadline (a long pipeline batch on
   * the same connection's thread), a commit answered meanwhile is read first and its deliveries get
   * their 2xx instead of a needless 503.
   */
  constructor(expire: (waiting: T) => void, readAnswersFirst = false) {
    this.#expire = expire;
    this.#readAnswersFirst = readAnswersFirst;
  }

  add(waiting: T): void {
    this.#waiting.push(waiting);
    if (this.#timer === undefined) this.#arm();
  }

  /** Nothing waits any more: stop the timer (so it keeps no process alive). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = undefined;
    this.#waiting.length = 0;
    this.#head = 0;
  }

  #arm(): void {
    while (this.#head < this.#waiting.length && this.#waiting[this.#head]!.settled) this.#head++;
    if (this.#head === this.#waiting.length) return this.clear();
    // Drop what was passed over now and then, not on every expiry.
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    this.#armedFor = this.#waiting[this.#head]!;
    const wait = Math.max(0, this.#armedFor.deadline - performance.now());
    this.#timer = this.#readAnswersFirst ? setTimeout(() => setImmediate(() => this.#fire()), wait) : setTimeout(() => this.#fire(), wait);
  }

  #fire(): void {
    this.#timer = undefined;
    // Timers run on the event loop's clock, which may lag `performance.now()`: the one the timer was
    // set for expires now whatever the two clocks say, like a timer of its own would have.
    const now = Math.max(performance.now(), this.#armedFor?.deadline ?? 0);
    const expired: T[] = [];
    while (this.#head < this.#waiting.length) {
      const waiting = this.#waiting[this.#head]!;
      if (!waiting.settled && waiting.deadline > now) break;
      if (!waiting.settled) expired.push(waiting);
      this.#head++;
    }
    // After the walk: expiring one may settle the last in flight, which clears this list.
    for (const waiting of expired) this.#expire(waiting);
    if (this.#timer === undefined) this.#arm();
  }
}
