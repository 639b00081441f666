/**
 * `importUsers` commits in chunks and, on SQLite, leaves the write lock free between them, so a
 * server next to a large import can commit meanwhile (issue 14 item 5). Another connection that
 * never waits for the lock (busy_timeout 0) must get it while the import runs.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { importUsers } from "../../src/directory/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

let database: TestDatabase;
let store: RollcallDatabase;
beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  store = await openDatabase(database.url);
  await migrateToLatest(store);
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

it("lets another writer take the lock between chunks while a large import runs", async () => {
  const rows = Array.from({ length: 2000 }, (_, i) => ({ externalId: `u-${i}`, email: `u.${i}@example.test`, customerKeys: [`ck-${i}`] }));
  const other = new BetterSqlite3(database.url.slice("sqlite:".length));
  other.pragma("busy_timeout = 0");
  let running = true;
  let got = 0;
  let refused = 0;
  const contender = (async () => {
    while (running) {
      try {
        other.transaction(() => other.pragma(`user_version = ${Number(other.pragma("user_version", { simple: true }))}`)).immediate();
        got++;
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
        refused++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const started = got;
  const result = await importUsers(store, rows, { accountId: "*", privacy: { privacy: "store" } });
  const during = got - started;
  running = false;
  await contender;
  other.close();
  expect(result).toMatchObject({ created: 2000, linksAdded: 4000 });
  // 8 chunks of 250 with a pause after each: the contender commits several times in between (in
  // this one process it runs only between chunks; one transaction for all would leave it none).
  expect(during).toBeGreaterThanOrEqual(3);
  expect(refused).toBe(0);
});
