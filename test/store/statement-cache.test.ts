import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../../src/store/statement-cache.js";

describe("withStatementCache", () => {
  const open = () => {
    const sqlite = new BetterSqlite3(":memory:");
    sqlite.exec("create table t (n integer); insert into t values (1), (2), (3)");
    return sqlite;
  };

  it("hands out the same prepared statement for the same SQL", () => {
    const cached = withStatementCache(open());
    expect(cached.prepare("select n from t")).toBe(cached.prepare("select n from t"));
    expect(cached.prepare("select n from t where n > 1")).not.toBe(cached.prepare("select n from t"));
  });

  it("never hands out a statement that is still being iterated: that caller gets a fresh one", () => {
    const cached = withStatementCache(open());
    const first = cached.prepare("select n from t order by n") as unknown as BetterSqlite3.Statement;
    const iterator = first.iterate();
    expect(iterator.next().value).toEqual({ n: 1 });
    const second = cached.prepare("select n from t order by n") as unknown as BetterSqlite3.Statement;
    expect(second).not.toBe(first);
    expect(second.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]); // usable while the first iterates
    expect([...iterator]).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it("forgets the least recently used statement past its capacity", () => {
    const cached = withStatementCache(open(), 2);
    const a = cached.prepare("select 1");
    cached.prepare("select 2");
    cached.prepare("select 1"); // a is now the most recent
    cached.prepare("select 3"); // "select 2" goes
    expect(cached.prepare("select 1")).toBe(a);
    const two = cached.prepare("select 2");
    expect(cached.prepare("select 2")).toBe(two);
  });
});
