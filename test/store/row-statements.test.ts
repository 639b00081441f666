import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import { insertRows, paddedList, statementSizes } from "../../src/store/row-statements.js";

describe("row statements", () => {
  it("cut any number of rows into powers of two, the largest that fits first", () => {
    expect(statementSizes(1234, 15_000)).toEqual([1024, 128, 64, 16, 2]);
    expect(statementSizes(40_000, 15_000)).toEqual([8192, 8192, 8192, 8192, 4096, 2048, 1024, 64]);
    expect(statementSizes(0, 100)).toEqual([]);
    for (const total of [1, 7, 999, 30_001]) expect(statementSizes(total, 3000).reduce((a, b) => a + b, 0)).toBe(total);
  });

  it("pad an `in` list to a power of two with its last value", () => {
    expect(paddedList([5, 6, 7])).toEqual([5, 6, 7, 7]);
    expect(paddedList([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(paddedList([])).toEqual([]);
  });

  it("insert batches of every size from a few statement texts", async () => {
    const sqlite = new BetterSqlite3(":memory:");
    sqlite.exec("create table t (a integer, b text)");
    const texts = new Set<string>();
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: { close: () => sqlite.close(), prepare: (text: string) => (texts.add(text), sqlite.prepare(text)) } as never }) });
    let n = 0;
    for (let size = 1; size <= 300; size++) await insertRows(db, "t", Array.from({ length: size }, () => ({ a: n++, b: "x" })));
    expect(Number(sqlite.prepare("select count(*) as c from t").get()!["c" as never])).toBe(n);
    // One text per power of two up to 256, not one per batch size.
    expect(texts.size).toBe(9);
    await db.destroy();
  });
});
