import { describe, expect, it } from "vitest";
import type { InstanceState } from "../../src/core/index.js";
import { InstanceCache, type CachedInstance } from "../../src/pipeline/instance-cache.js";

const entry = (size: number, ended = false): CachedInstance => ({ state: { size, ended } as InstanceState, revision: 1 });
const byEvents = (maxEvents: number) => new InstanceCache({ maxEvents, maxInstances: 1_000 });

describe("InstanceCache", () => {
  it("evicts the least recently used entries once the events held pass the limit, never the one just set", () => {
    const cache = byEvents(100);
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
    const cache = byEvents(100);
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

  it("holds at most maxInstances entries, however few events they hold, and lets ended instances go first", () => {
    const cache = new InstanceCache({ maxEvents: 1_000_000, maxInstances: 3 });
    cache.set("ended-old", entry(1, true));
    cache.set("live-old", entry(1));
    cache.set("ended-new", entry(1, true));
    cache.set("live-new", entry(1)); // 4 > 3: the least recently used ended one goes, not the older live one
    expect(cache.size).toBe(3);
    expect(cache.get("ended-old")).toBeUndefined();
    expect(cache.get("live-old")).toBeDefined();
    cache.set("live-newest", entry(1)); // the other ended one goes
    expect(cache.get("ended-new")).toBeUndefined();
    cache.set("live-last", entry(1)); // no ended one left: the least recently used live one
    expect([cache.get("live-new"), cache.get("live-newest"), cache.get("live-last"), cache.get("live-old")].map((e) => e !== undefined)).toEqual([false, true, true, true]);
    expect(cache.size).toBe(3);
  });

  it("moves an instance among the ended once its state has ended", () => {
    const cache = new InstanceCache({ maxEvents: 1_000_000, maxInstances: 2 });
    cache.set("a", entry(1));
    cache.set("b", entry(1));
    cache.set("b", entry(2, true)); // b ended
    cache.set("c", entry(1)); // b goes although a is older
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
  });
});
