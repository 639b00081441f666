import type { RollcallDatabase } from "../database.js";

/**
 * The inbox rows this process stored most recently, by content key, so a redelivery that comes
 * while its first copy is still remembered (Zoom's retry of a slow answer, or the same event by both
 * doors) is counted on that row at once and answered "duplicate", as when the key was unique. One
 * the process does not remember (stored by another process, before a restart, or long ago) lands as
 * a row of its own, and the pipeline merges it when it claims it. Oldest forgotten first.
 */
export class RecentKeys {
  readonly #ids = new Map<string, number>();

  constructor(readonly capacity: number) {}

  /** The row remembered for `key`; it may since have been merged away (the write then lands a new row). */
  get(key: string): number | undefined {
    return this.#ids.get(key);
  }

  /** The row remembered for `key` was merged into `to` (by the pipeline): remember `to` instead. */
  moved(key: string, from: number, to: number): void {
    if (this.#ids.get(key) === from) this.#ids.set(key, to);
  }

  remember(key: string, id: number): void {
    this.#ids.delete(key);
    this.#ids.set(key, id);
    // A Map iterates in insertion order: its first key is the oldest.
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.keys().next().value!);
  }
}

/** About 10 MB of keys at most: many minutes of a large webinar's events. */
const defaultCapacity = 50_000;
const byStore = new WeakMap<RollcallDatabase, RecentKeys>();

/** The store's memory of recent keys, shared by every inbox writer of this process on it. */
export function recentKeysOf(store: RollcallDatabase): RecentKeys {
  let keys = byStore.get(store);
  if (!keys) byStore.set(store, (keys = new RecentKeys(defaultCapacity)));
  return keys;
}
