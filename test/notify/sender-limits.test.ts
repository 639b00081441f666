/**
 * What a receiver can cost Rollcall: an answer that goes on and on is read for a few kilobytes and
 * a second, then the connection is dropped (the probe's receiver answered 200 and streamed for 15 s:
 * the sender grew from 90 MB to 3 GB). And a receiver that answers 410 Gone is not sent to again.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { addEndpoint, createWebhookSender, enableEndpoint, listDeadLetters, listEndpoints, recordEvents, replayDeadLetters, type NotifyEvent } from "../../src/notify/index.js";
import { withWriteTransaction } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";
import { startReceiver, type Receiver } from "./support/receiver.js";

/** How the endless receiver answers: a status, then `chunk` bytes every `everyMs` for 10 s. */
interface Stream {
  status: number;
  chunk: number;
  everyMs: number;
}

/** A receiver that answers at once, then keeps sending its body; counts what it managed to send. */
async function startStreamingReceiver(): Promise<{ url: string; stream: Stream; sent: () => number; closedAfterMs: () => number | undefined; close(): Promise<void> }> {
  let sent = 0;
  let closedAfterMs: number | undefined;
  const state = { stream: { status: 200, chunk: 64 * 1024, everyMs: 5 } as Stream };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const { status, chunk, everyMs } = state.stream;
      const started = Date.now();
      response.writeHead(status, { "content-type": "text/plain" });
      const bytes = Buffer.alloc(chunk, "x");
      const timer = setInterval(() => {
        if (Date.now() - started > 10_000) return response.end();
        // Only what the socket takes now (a reader that stops reading holds the stream up).
        if (response.writableNeedDrain) return;
        response.write(bytes);
        sent += bytes.length;
      }, everyMs);
      response.on("close", () => {
        clearInterval(timer);
        closedAfterMs = Date.now() - started;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    stream: state.stream,
    sent: () => sent,
    closedAfterMs: () => closedAfterMs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const joined = (instanceUuid: string, n: number): NotifyEvent => ({
  type: "attendee.joined",
  accountId: "acct",
  instanceUuid,
  data: { instanceUuid, meetingId: "81234567890", externalId: `user-${n}`, sessionKey: `S${n}`, joinTime: null, resolvedBy: "email" },
});
const record = (store: RollcallDatabase, events: NotifyEvent[]) => withWriteTransaction(store, (trx) => recordEvents(trx, events, Date.now(), 0));

eachDatabase("a receiver's answer costs the sender at most 4 KiB and a second", (database) => {
  let store: RollcallDatabase;
  let streaming: Awaited<ReturnType<typeof startStreamingReceiver>>;
  let endpointId: string;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    streaming = await startStreamingReceiver();
    endpointId = (await addEndpoint(store.db, { url: streaming.url }, { allowPrivate: true })).endpoint.id;
  });
  afterAll(async () => {
    await store?.close();
    await streaming?.close();
  });

  /** One delivery to the streaming receiver; its wall time and the message row after it. */
  async function deliverOne(instanceUuid: string) {
    await record(store, [joined(instanceUuid, 1)]);
    const sender = createWebhookSender(store, { retrySeconds: [0, 60], timeoutMs: 5000, allowPrivate: true });
    const started = Date.now();
    expect(await sender.deliverDue()).toBe(1);
    const took = Date.now() - started;
    await sender.stop();
    const message = await store.db.selectFrom("webhook_messages").select(["state", "last_status", "last_error"]).where("instance_uuid", "=", instanceUuid).executeTakeFirstOrThrow();
    return { took, message };
  }

  it("a 200 followed by megabytes: delivered, and the connection dropped after the first kilobytes", async () => {
    Object.assign(streaming.stream, { status: 200, chunk: 64 * 1024, everyMs: 5 });
    const { took, message } = await deliverOne("I-flood");
    expect(message).toMatchObject({ state: "delivered", last_status: 200, last_error: null });
    expect(took).toBeLessThan(2000);
    // What the receiver got out before the sender hung up: socket buffers, not the 10 s of stream.
    await new Promise((r) => setTimeout(r, 200));
    expect(streaming.closedAfterMs()).toBeLessThan(2000);
    expect(streaming.sent()).toBeLessThan(4 * 1024 * 1024);
  });

  it("a 200 trickling its body forever: the attempt ends after a second of body, not the 5 s timeout", async () => {
    Object.assign(streaming.stream, { status: 200, chunk: 16, everyMs: 50 });
    const { took, message } = await deliverOne("I-trickle");
    expect(message).toMatchObject({ state: "delivered", last_status: 200 });
    expect(took).toBeLessThan(2500);
  });

  it("an error answer keeps the first 4 KiB of its body in the record, and no more", async () => {
    Object.assign(streaming.stream, { status: 500, chunk: 64 * 1024, everyMs: 5 });
    const { took, message } = await deliverOne("I-error-body");
    expect(took).toBeLessThan(2000);
    expect(message).toMatchObject({ state: "pending", last_status: 500 });
    expect(message.last_error).toBe(`HTTP 500: ${"x".repeat(4096)}`);
    const attempt = await store.db.selectFrom("webhook_attempts").select(["error"]).where("endpoint_id", "=", endpointId).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(attempt.error).toBe(message.last_error);
  });
});

eachDatabase("a receiver that answers 410 Gone", (database) => {
  let store: RollcallDatabase;
  let gone: Receiver;
  let healthy: Receiver;
  let goneId: string;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    gone = await startReceiver();
    const added = await addEndpoint(store.db, { url: gone.url }, { allowPrivate: true });
    gone.secret = added.secret;
    goneId = added.endpoint.id;
    healthy = await startReceiver();
    healthy.secret = (await addEndpoint(store.db, { url: healthy.url }, { allowPrivate: true })).secret;
  });
  afterAll(async () => {
    await store?.close();
    await gone?.close();
    await healthy?.close();
  });

  it("is disabled at once: its pending messages are dead letters, nothing more is sent or written for it, and it is counted", async () => {
    gone.respond = () => 410;
    const registry = new Registry();
    const warnings: Array<{ o: Record<string, unknown>; m: string }> = [];
    const logger = { warn: (o: Record<string, unknown>, m: string) => warnings.push({ o, m }), error: () => {} };
    const sender = createWebhookSender(store, { retrySeconds: [0, 0, 0, 0], timeoutMs: 2000, allowPrivate: true, registry, logger });
    await record(store, Array.from({ length: 5 }, (_, i) => joined("I-gone", i)));
    await sender.deliverDue();
    await sender.deliverDue();
    await sender.deliverDue();

    // One request: the head of the instance's queue. The other four were never tried.
    expect(gone.deliveries).toHaveLength(1);
    expect(healthy.deliveries.length).toBeGreaterThanOrEqual(3);
    const endpoint = (await listEndpoints(store.db)).find((e) => e.id === goneId)!;
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: "the receiver answered 410 Gone", disabledAt: expect.any(String) });
    const dead = await listDeadLetters(store.db, { endpointId: goneId });
    expect(dead).toHaveLength(5);
    expect(dead[0]).toMatchObject({ attempts: 1, lastStatus: 410 });
    expect(dead.slice(1).every((d) => d.attempts === 0 && d.lastError === "endpoint disabled: the receiver answered 410 Gone")).toBe(true);

    // New events: nothing queued for the disabled endpoint.
    await record(store, [joined("I-after", 1)]);
    const queued = await store.db.selectFrom("webhook_messages").select("endpoint_id").where("instance_uuid", "=", "I-after").execute();
    expect(queued.map((m) => m.endpoint_id)).not.toContain(goneId);
    await sender.stop();
    expect(gone.deliveries).toHaveLength(1);

    expect(await registry.metrics()).toMatch(/^rollcall_webhook_endpoints_disabled_total 1$/m);
    const line = warnings.find((w) => /disabled/.test(w.m));
    expect(line?.o).toEqual({ endpoint: goneId, webhookId: expect.stringMatching(/^msg_/) });
    expect(JSON.stringify(warnings)).not.toContain(gone.url);
  });

  it("enabled again, it gets new events, and its dead letters on replay", async () => {
    gone.respond = () => 204;
    expect(await enableEndpoint(store.db, goneId)).toBe(true);
    expect((await listEndpoints(store.db)).find((e) => e.id === goneId)).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    await record(store, [joined("I-back", 1)]);
    expect(await replayDeadLetters(store.db, { endpointId: goneId })).toBe(5);
    const sender = createWebhookSender(store, { retrySeconds: [0], timeoutMs: 2000, allowPrivate: true, pollMs: 20 });
    sender.start();
    await sender.drained(10_000);
    await sender.stop();
    expect(gone.accepted().map((d) => d.body.data["instanceUuid"]).sort()).toEqual(["I-back", "I-gone", "I-gone", "I-gone", "I-gone", "I-gone"]);
  });
});
