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

/** The bounds of an {@link InstanceCache}. */
export interface InstanceCacheLimits {
  /** Events all entries may hold together (a 10,000-participant webinar holds about 30,000). */
  maxEvents: number;
  /**
   * Entries at most, whatever they hold: each costs some kilobytes even with one event, and a
   * service sees thousands of meetings a day.
   */
  maxInstances: number;
}

/**
 * Engine states by instance, bounded by the events they hold and by their number. Ended instances
 * leave first (their events rarely come back), least recently used first, then live ones. An
 * evicted instance is rebuilt from the inbox when it is next touched.
 */
export class InstanceCache {
  /** Insertion order is use order: a Map iterates oldest first. */
  private readonly live = new Map<string, CachedInstance>();
  private readonly ended = new Map<string, CachedInstance>();
  /** Events each entry held when it was last set (states grow in place between sets). */
  private readonly counted = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: InstanceCacheLimits) {}

  /** The entry, marked as most recently used. */
  get(key: string): CachedInstance | undefined {
    const from = this.live.has(key) ? this.live : this.ended;
    const entry = from.get(key);
    if (entry) {
      from.delete(key);
      from.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedInstance): void {
    this.delete(key);
    (entry.state.ended ? this.ended : this.live).set(key, entry);
    this.counted.set(key, entry.state.size);
    this.total += entry.state.size;
    // A running total: summing every entry on each set made a batch over many instances quadratic.
    if (this.total > this.limits.maxEvents || this.size > this.limits.maxInstances) this.evict(key);
  }

  delete(key: string): void {
    this.live.delete(key);
    this.ended.delete(key);
    this.total -= this.counted.get(key) ?? 0;
    this.counted.delete(key);
  }

  clear(): void {
    this.live.clear();
    this.ended.clear();
    this.counted.clear();
    this.total = 0;
  }

  get size(): number {
    return this.live.size + this.ended.size;
  }

  /** Events the entries held when last set. */
  get events(): number {
    return this.total;
  }

  private evict(keep: string): void {
    for (const from of [this.ended, this.live]) {
      for (const key of from.keys()) {
        if (this.total <= this.limits.maxEvents && this.size <= this.limits.maxInstances) return;
        if (key !== keep) this.delete(key);
      }
    }
  }
}

/** The cache key of an instance: account and instance uuid (also the PostgreSQL advisory lock key). */
export function instanceKey(accountId: string, instanceUuid: string): string {
  return `${accountId}\u001f${instanceUuid}`; // not NUL: PostgreSQL text cannot hold it
}
