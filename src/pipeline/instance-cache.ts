import type { InstanceState } from "../core/index.js";

/** What one process keeps in memory about an instance it processed. */
export interface CachedInstance {
  /** Engine state holding every applied event of the instance. */
  state: InstanceState;
  /**
   * The `instances.revision` this process wrote; another value in the database means the entry is
   * stale. The state's own record of what it last reported (its update view) matches the rows of
   * that revision, so its next update says exactly what to write.
   */
  revision: number;
}

/**
 * Engine states by instance, least recently used evicted first once the events they hold pass
 * `maxEvents` (a 10,000-participant webinar holds about 30,000). An evicted instance is rebuilt
 * from the inbox when it is next touched.
 */
export class InstanceCache {
  private readonly entries = new Map<string, CachedInstance>();
  /** Events each entry held when it was last set (states grow in place between sets). */
  private readonly counted = new Map<string, number>();
  private total = 0;

  constructor(private readonly maxEvents: number) {}

  /** The entry, marked as most recently used. */
  get(key: string): CachedInstance | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedInstance): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.counted.set(key, entry.state.size);
    this.total += entry.state.size;
    // A running total: summing every entry on each set made a batch over many instances quadratic.
    if (this.total > this.maxEvents) this.evict(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.total -= this.counted.get(key) ?? 0;
    this.counted.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.counted.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(keep: string): void {
    for (const key of [...this.entries.keys()]) {
      if (this.total <= this.maxEvents) break;
      if (key !== keep) this.delete(key);
    }
  }
}

/** The cache key of an instance: account and instance uuid (also the PostgreSQL advisory lock key). */
export function instanceKey(accountId: string, instanceUuid: string): string {
  return `${accountId}\u001f${instanceUuid}`; // not NUL: PostgreSQL text cannot hold it
}
