/** Same-second order of what happens: registrations, start, timeline steps, breakout rounds, room moves, the host's end. */
export const ORDER = { registration: 0, started: 1, step: 2, breakout: 3, move: 4, end: 5 } as const;

interface Action {
  at: number;
  order: number;
  seq: number;
  run: () => void;
}

/**
 * The simulation's clock: actions run in time order (then {@link ORDER}, then scheduling order).
 * Actions may schedule more (a breakout round schedules its moves) but never earlier than the
 * one running, so one walk over the sorted queue runs everything.
 */
export class ActionQueue {
  private readonly queue: Action[] = [];
  private seq = 0;

  /** Adds an action at `at` seconds from the start. */
  schedule(at: number, order: number, run: () => void): void {
    const action = { at, order, seq: this.seq++, run };
    // Binary insert keeps the queue sorted while actions add more on the fly.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.queue[mid]!;
      const before = other.at < at || (other.at === at && (other.order < order || (other.order === order && other.seq < action.seq)));
      if (before) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, action);
  }

  /** Runs every action, including those scheduled while running. */
  runAll(): void {
    for (let i = 0; i < this.queue.length; i++) this.queue[i]!.run();
  }
}
