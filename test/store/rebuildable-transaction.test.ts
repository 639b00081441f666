import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { withWriteTransaction } from "../../src/store/write-transaction.js";

describe("withWriteTransaction({ rebuildable: true }) on a SQLite file", () => {
  let dir: string | undefined;
  let store: RollcallDatabase | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async () => {
    dir = mkdtempSync(join(tmpdir(), "rollcall-sync-"));
    store = await openDatabase(`sqlite:${join(dir, "r.db")}`, { sqliteSynchronous: "FULL" });
    return store;
  };
  const level = (s: RollcallDatabase) => Number(s.sqlite!.pragma("synchronous", { simple: true }));

  it("commits with synchronous=NORMAL and puts FULL back, also when the transaction fails", async () => {
    const s = await open();
    expect(level(s)).toBe(2);
    const during = await withWriteTransaction(s, async () => level(s), { rebuildable: true });
    expect(during).toBe(1);
    expect(level(s)).toBe(2);
    await expect(withWriteTransaction(s, async () => { throw new Error("boom"); }, { rebuildable: true })).rejects.toThrow("boom");
    expect(level(s)).toBe(2);
    // Without the option every commit stays durable.
    expect(await withWriteTransaction(s, async () => level(s))).toBe(2);
  });
});
