import { describe, expect, it } from "vitest";
import type { InstanceState } from "../../src/core/index.js";
import { InstanceCache, type CachedInstance } from "../../src/pipeline/instance-cache.js";

const entry = (size: number): CachedInstance => ({ state: { size } as InstanceState, revision: 1 });

describe("InstanceCache", () => {
  it("evicts the least recently used entries once the events held pass the limit, never the one just set", () => {
    const cache = new InstanceCache(100);
    cache.set("a", entry(40));
    cache.set("b", entry(40));
    cache.get("a"); // a is now more recent than b
    cache.set("c", entry(40)); // 120 > 100: b goes
    expect([cache.get("a"), cache.get("b"), cache.get("c")].map((e) => e !== undefined)).toEqual([true, false, true]);
    cache.set("d", entry(500)); // alone above the limit: everything else goes, d stays
    expect(cache.size).toBe(1);
    expect(cache.get("d")).toBeDefined();
  });

  it("counts an entry set again at its new size, and forgets deleted ones", () => {
    const cache = new InstanceCache(100);
    cache.set("a", entry(10));
    cache.set("b", entry(10));
    cache.set("a", entry(85)); // 95: nothing evicted
    expect(cache.size).toBe(2);
    cache.delete("a");
    cache.set("c", entry(85)); // 95 again, only if a's 85 was forgotten
    expect(cache.size).toBe(2);
    cache.set("e", entry(10)); // 105: b (least recent) goes
    expect(cache.get("b")).toBeUndefined();
    cache.clear();
    cache.set("f", entry(100));
    expect(cache.size).toBe(1);
  });
});
