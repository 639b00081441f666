import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * The better-sqlite3 handle as Kysely's SQLite dialect sees it, with prepared statements kept by
 * SQL text. Kysely prepares a statement for every query it runs, and compiling SQL was the largest
 * single cost of a pipeline batch (the same dozen statements, thousands of times). A statement still
 * being iterated (a streamed select) is never handed out again: that call gets a fresh one.
 * Least recently used statements are finalised past `capacity` (multi-row inserts differ in text
 * by row count, so the set of texts is open-ended).
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached as unknown as SqliteStatement;
      }
      const statement = sqlite.prepare(sql);
      statements.delete(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement as unknown as SqliteStatement;
    },
  };
}
