import type { InstanceState } from "../core/index.js";
import type { RowSnapshot } from "../store/derived/index.js";

/** What one process keeps in memory about an instance it processed. */
export interface CachedInstance {
  /** Engine state holding every applied event of the instance. */
  state: InstanceState;
  /** The `instances.revision` this process wrote; another value in the database means the entry is stale. */
  revision: number;
  /** The rows written with that revision (undefined right after a rebuild: the next write replaces all). */
  snapshot: RowSnapshot | undefined;
}

/**
 * Engine states by instance, least recently used evicted first once the events they hold pass
 * `maxEvents` (a 10,000-participant webinar holds about 30,000). An evicted instance is rebuilt
 * from the inbox when it is next touched.
 */
export class InstanceCache {
  private readonly entries = new Map<string, CachedInstance>();

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
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(keep: string): void {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.state.size;
    for (const [key, entry] of this.entries) {
      if (total <= this.maxEvents) break;
      if (key === keep) continue;
      this.entries.delete(key);
      total -= entry.state.size;
    }
  }
}

/** The cache key of an instance: account and instance uuid (also the PostgreSQL advisory lock key). */
export function instanceKey(accountId: string, instanceUuid: string): string {
  return `${accountId}\u001f${instanceUuid}`; // not NUL: PostgreSQL text cannot hold it
}
