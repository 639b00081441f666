import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEndpoint, createWebhookSender, listEndpoints, recordEvents, rotateEndpointSecret, type NotifyEvent } from "../../src/notify/index.js";
import { withWriteTransaction } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { createTestDatabase, describePostgres, eachDatabase, type TestDatabase } from "../support/databases.js";
import { eventually, startReceiver, type Receiver } from "./support/receiver.js";

function attendanceEvent(instanceUuid: string, userId: string, attendedSeconds: number): NotifyEvent {
  return {
    type: "attendance.updated",
    accountId: "acct",
    instanceUuid,
    coalesceKey: userId,
    data: {
      instanceUuid,
      meetingId: "81234567890",
      attendee: { externalId: userId, status: "present", attendedSeconds, firstJoin: null, lastLeave: null, asOf: null, sessions: 1, resolvedBy: "email", source: "webhook", confidence: 1, closedByMeetingEnd: false },
    },
  };
}

function joinedEvent(instanceUuid: string, n: number): NotifyEvent {
  return { type: "attendee.joined", accountId: "acct", instanceUuid, data: { instanceUuid, meetingId: "81234567890", externalId: `user-${n}`, sessionKey: `S${n}`, joinTime: null, resolvedBy: "email" } };
}

const record = (store: RollcallDatabase, events: NotifyEvent[]) => withWriteTransaction(store, (trx) => recordEvents(trx, events, Date.now(), 0));

eachDatabase("outbox", (database) => {
  let store: RollcallDatabase;
  let receiver: Receiver;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    receiver = await startReceiver();
    receiver.secret = (await addEndpoint(store.db, { url: receiver.url }, { allowPrivate: true })).secret;
  });
  afterAll(async () => {
    await store?.close();
    await receiver?.close();
  });

  it("coalesces a burst of attendance changes into one message with the latest row, and never sends a stale row after a newer one", async () => {
    await record(store, [attendanceEvent("I-coalesce", "u1", 10)]);
    await record(store, [attendanceEvent("I-coalesce", "u1", 20), attendanceEvent("I-coalesce", "u2", 5)]);
    await record(store, [attendanceEvent("I-coalesce", "u1", 30)]);
    const queued = await store.db.selectFrom("webhook_messages").select(["coalesce_key", "body"]).where("instance_uuid", "=", "I-coalesce").orderBy("id").execute();
    // The newest row of u1 replaced the pending one at the end of the queue (never ahead of what was written before it).
    expect(queued.map((m) => [m.coalesce_key, JSON.parse(m.body).data.attendee.attendedSeconds])).toEqual([
      ["u2", 5],
      ["u1", 30],
    ]);

    // Once an attempt has started the message keeps its body (its webhook-id stands for it): a newer row queues behind it.
    receiver.respond = (d) => (d.body.data["attendee"].externalId === "u1" ? 500 : 204);
    const sender = createWebhookSender(store, { retrySeconds: [0, 0.3], timeoutMs: 2000, allowPrivate: true });
    await sender.deliverDue(); // u2, the head of the instance's queue
    await sender.deliverDue(); // u1's row of 30 s: refused, to be retried under its webhook-id
    await record(store, [attendanceEvent("I-coalesce", "u1", 40)]);
    receiver.respond = () => 204;
    sender.start();
    await sender.drained(10_000);
    await sender.stop();
    const u1 = receiver.accepted().filter((d) => d.body.data["instanceUuid"] === "I-coalesce" && d.body.data["attendee"].externalId === "u1");
    expect(u1.map((d) => d.body.data["attendee"].attendedSeconds)).toEqual([30, 40]);
  });

  it("signs with the old and the new secret during a rotation's grace period, then with the new one only", async () => {
    receiver.respond = () => 204;
    const [endpoint] = await listEndpoints(store.db);
    const oldSecret = receiver.secret!;
    const newSecret = (await rotateEndpointSecret(store.db, endpoint!.id, { graceMs: 60_000 }))!;
    const sender = createWebhookSender(store, { retrySeconds: [0], timeoutMs: 2000, allowPrivate: true });
    await record(store, [joinedEvent("I-rotate", 1)]);
    await sender.deliverDue();
    receiver.secret = newSecret;
    await record(store, [joinedEvent("I-rotate", 2)]);
    await sender.deliverDue();
    const rotated = receiver.deliveries.filter((d) => d.body.data["instanceUuid"] === "I-rotate");
    expect(rotated.map((d) => d.verified)).toEqual([true, true]); // old secret, then new secret

    // Grace over: the old secret no longer verifies.
    await store.db.updateTable("webhook_endpoints").set({ previous_secret_expires_at: Date.now() - 1 }).where("id", "=", endpoint!.id).execute();
    receiver.secret = oldSecret;
    await record(store, [joinedEvent("I-rotate", 3)]);
    await sender.deliverDue();
    expect(receiver.deliveries.filter((d) => d.body.data["instanceUuid"] === "I-rotate").at(-1)!.verified).toBe(false);
    receiver.secret = newSecret;
    await store.db.updateTable("webhook_messages").set({ state: "delivered" }).where("instance_uuid", "=", "I-rotate").execute();
  });

  it("keeps per-instance order while a failing instance queue waits for its retry", async () => {
    let failFirst = true;
    receiver.respond = (d) => {
      if (d.body.data["instanceUuid"] === "I-slow" && failFirst) {
        failFirst = false;
        return 500;
      }
      return 204;
    };
    await record(store, [...Array.from({ length: 5 }, (_, i) => joinedEvent("I-slow", i)), ...Array.from({ length: 5 }, (_, i) => joinedEvent("I-fast", i))]);
    // A long retry wait (2.4 s at least) so the other instance's five deliveries surely fit before it.
    const sender = createWebhookSender(store, { retrySeconds: [0, 3], timeoutMs: 2000, allowPrivate: true, pollMs: 20 });
    sender.start();
    await sender.drained(10_000);
    await sender.stop();
    const of = (uuid: string) => receiver.accepted().filter((d) => d.body.data["instanceUuid"] === uuid);
    expect(of("I-slow").map((d) => d.body.data["externalId"])).toEqual(["user-0", "user-1", "user-2", "user-3", "user-4"]);
    // The other instance did not wait for the slow one's retry.
    expect(of("I-fast").at(-1)!.at).toBeLessThan(of("I-slow")[0]!.at);
  });
});

describePostgres("outbox on PostgreSQL with several senders", () => {
  let database: TestDatabase;
  let stores: RollcallDatabase[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    stores = [await openDatabase(database.url), await openDatabase(database.url)];
    await migrateToLatest(stores[0]!);
    receiver = await startReceiver();
    receiver.secret = (await addEndpoint(stores[0]!.db, { url: receiver.url }, { allowPrivate: true })).secret;
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await receiver?.close();
    await database?.drop();
  });

  it("two senders deliver each message exactly once to a healthy receiver, in order per instance", async () => {
    const events = Array.from({ length: 300 }, (_, i) => joinedEvent(`I-${i % 12}`, i));
    await record(stores[0]!, events);
    const senders = stores.map((s) => createWebhookSender(s, { retrySeconds: [0, 1], timeoutMs: 5000, allowPrivate: true, pollMs: 10, concurrency: 8 }));
    for (const s of senders) s.start();
    await senders[0]!.drained(30_000);
    for (const s of senders) await s.stop();
    expect(receiver.deliveries).toHaveLength(300);
    expect(new Set(receiver.deliveries.map((d) => d.id)).size).toBe(300);
    expect(receiver.deliveries.every((d) => d.verified && d.answered === 204)).toBe(true);
    for (let k = 0; k < 12; k++) {
      const numbers = receiver.deliveries.filter((d) => d.body.data["instanceUuid"] === `I-${k}`).map((d) => Number(String(d.body.data["externalId"]).slice(5)));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
    // One attempt per message: no message was claimed by both senders.
    const attempts = await stores[0]!.db.selectFrom("webhook_attempts").select("id").execute();
    expect(attempts).toHaveLength(300);
  }, 120_000);

  it("a sender killed mid-delivery: another delivers the message again after the lease, with the same webhook-id", async () => {
    receiver.deliveries.length = 0;
    receiver.respond = () => "hang";
    await record(stores[0]!, [joinedEvent("I-crash", 1)]);
    const child = spawn(process.execPath, ["--import", "tsx", "test/notify/support/sender-process.ts", database.url, "1500"], { stdio: ["ignore", "pipe", "inherit"] });
    await eventually(() => receiver.deliveries.length === 1, 90_000, "the child's request"); // tsx start-up: slow on a busy machine
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    receiver.respond = () => 204;
    const sender = createWebhookSender(stores[1]!, { retrySeconds: [0, 0.2], timeoutMs: 5000, allowPrivate: true, pollMs: 20 });
    sender.start();
    await sender.drained(15_000);
    await sender.stop();
    expect(receiver.deliveries).toHaveLength(2);
    expect(receiver.deliveries[1]!.id).toBe(receiver.deliveries[0]!.id);
    expect(receiver.deliveries[1]!.answered).toBe(204);
  }, 150_000);
});
