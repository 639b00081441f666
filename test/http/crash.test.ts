import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { spawnServer } from "./support/child-server.js";
import { joinedBody, post, signedDelivery } from "./support/signed-delivery.js";

const secret = "crash-test-secret";

eachDatabase("crash test: SIGKILL mid-load", (database) => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "rollcall-crash-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps every event that got a 2xx, across several kills and restarts", { timeout: 120_000 }, async () => {
    const acknowledged = new Map<string, number>();
    let refusedOrCut = 0;
    for (let round = 0; round < 4; round++) {
      const server = await spawnServer({ DATABASE_URL: database().url, ZOOM_WEBHOOK_SECRET_TOKEN: secret, ROLLCALL_DATA_DIR: dataDir, LOG_LEVEL: "warn" });
      let killed = false;
      let roundAcks = 0;
      // 16 concurrent senders, like Zoom delivering a busy meeting.
      const senders = Array.from({ length: 16 }, async () => {
        while (!killed) {
          const body = joinedBody();
          try {
            const response = await post(server.url, signedDelivery(secret, body));
            if (response.status >= 200 && response.status < 300) {
              acknowledged.set(body, response.body.id);
              roundAcks += 1;
            }
            else refusedOrCut += 1;
          } catch {
            refusedOrCut += 1; // the connection died with the server: not acknowledged, Zoom would retry
          }
        }
      });
      // Kill mid-load: once this round has real traffic acknowledged (a busy machine starts slower),
      // then a little later so requests are in flight.
      const deadline = Date.now() + 30_000;
      while (roundAcks < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 75));
      server.process.kill("SIGKILL");
      killed = true;
      expect(await server.exited).toBe("SIGKILL");
      await Promise.all(senders);
    }
    expect(acknowledged.size).toBeGreaterThan(100);

    const store = await openDatabase(database().url);
    try {
      await migrateToLatest(store);
      const rows = await store.db.selectFrom("inbox_events").select(["id", "body"]).execute();
      const stored = new Map(rows.map((r) => [r.body, r.id]));
      const missing = [...acknowledged.entries()].filter(([body, id]) => stored.get(body) !== id);
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
    // Some requests were in flight at each kill; they must not have been acknowledged (and were counted).
    expect(refusedOrCut).toBeGreaterThan(0);
  });
});
