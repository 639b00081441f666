/**
 * The address check at delivery time, for endpoints that never went through registration (a row
 * written by hand, an older version's row, a setting changed since): literal hosts are checked
 * before connecting, and a name's addresses on the connection itself.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebhookSender, createWebhookTransport, generateSecret, guardedLookup, recordEvents, RefusedDestinationError, type NotifyEvent } from "../../src/notify/index.js";
import { withWriteTransaction } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { startReceiver, type Receiver } from "./support/receiver.js";
import { embeddedLoopbackUrls } from "./support/refused-urls.js";

const joined = (instanceUuid: string): NotifyEvent => ({
  type: "attendee.joined",
  accountId: "acct",
  instanceUuid,
  data: { instanceUuid, meetingId: "81234567890", externalId: "user-1", sessionKey: "S1", joinTime: null, resolvedBy: "email" },
});

eachDatabase("delivery to a refused address", (database) => {
  let store: RollcallDatabase;
  let receiver: Receiver;
  let urls: string[];

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    // The probe's literals, aimed at the receiver's port.
    urls = embeddedLoopbackUrls(Number(port));
    const now = Date.now();
    await store.db
      .insertInto("webhook_endpoints")
      .values(urls.map((url, i) => ({ id: `ep_direct${i}`, url, event_types_json: null, secret: generateSecret(), previous_secret: null, previous_secret_expires_at: null, description: null, created_at: now, updated_at: now, disabled_at: null, disabled_reason: null })))
      .execute();
    await withWriteTransaction(store, (trx) => recordEvents(trx, [joined("I-refused")], now, 0));
  });
  afterAll(async () => {
    await store?.close();
    await receiver?.close();
  });

  it("is not connected to: each attempt is refused before any request reaches the receiver", async () => {
    const sender = createWebhookSender(store, { retrySeconds: [0, 60], timeoutMs: 2000, allowPrivate: false });
    expect(await sender.deliverDue()).toBe(urls.length);
    await sender.stop();
    const rows = await store.db.selectFrom("webhook_messages as m").innerJoin("webhook_endpoints as e", "e.id", "m.endpoint_id").select(["e.url", "m.last_error", "m.last_status"]).execute();
    expect(rows).toHaveLength(urls.length);
    for (const row of rows) {
      expect(row.last_status, row.url).toBeNull();
      expect(row.last_error, row.url).toMatch(/^refused: url: .* is not a public address: loopback/);
    }
    expect(receiver.deliveries).toHaveLength(0);
  });

  it("is connected to with ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1 (the opt-out for tests and private networks)", async () => {
    await store.db.updateTable("webhook_messages").set({ next_attempt_at: 0 }).execute();
    const sender = createWebhookSender(store, { retrySeconds: [0, 60, 60], timeoutMs: 2000, allowPrivate: true });
    await sender.deliverDue();
    await sender.stop();
    // The IPv4-mapped form reaches the IPv4 loopback the receiver listens on (the other forms are not routed here).
    // (It answers 401: these rows' secrets are not the receiver's. An answer is what shows the connection.)
    const answered = await store.db.selectFrom("webhook_messages as m").innerJoin("webhook_endpoints as e", "e.id", "m.endpoint_id").select(["e.url", "m.last_status"]).where("m.last_status", "is not", null).execute();
    expect(answered.map((r) => [new URL(r.url).hostname, r.last_status])).toContainEqual(["[::ffff:7f00:1]", 401]);
    expect(receiver.deliveries.length).toBe(answered.length);
  });

  it("checks the addresses a name resolves to on the connection itself", async () => {
    // A name that resolves to loopback ("localhost" is refused by name before this, at registration and delivery).
    const before = receiver.deliveries.length;
    const transport = createWebhookTransport();
    const url = new URL(receiver.url.replace("127.0.0.1", "localhost"));
    const post = transport.post({ url, headers: {}, body: "{}", timeoutMs: 2000, lookup: guardedLookup });
    await expect(post).rejects.toBeInstanceOf(RefusedDestinationError);
    await expect(post).rejects.toThrow(/^localhost resolves to an address that is not public: loopback/);
    transport.close();
    expect(receiver.deliveries.length).toBe(before);
  });
});
