import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT, importUsers } from "../../src/directory/index.js";
import { addEndpoint, listDeadLetters, replayDeadLetters } from "../../src/notify/index.js";
import type { RunningRollcall } from "../../src/service/index.js";
import { eachDatabase } from "../support/databases.js";
import { postSigned, zoomMeeting } from "../pipeline/support/zoom-webhooks.js";
import { eventually, startReceiver, type Receiver } from "./support/receiver.js";
import { startNotifyService, zoomSecret } from "./support/notify-service.js";

const minute = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const start = Date.UTC(2026, 10, 30, 9, 0, 0);
const meeting = zoomMeeting({ accountId: "acct-notify", uuid: "NotifyUuid0000000000001==", id: "81234567890", topic: "Standup", hostId: "HOST01", start });
const dana = { user_name: "Dana", participant_uuid: "PU-DANA", user_id: "16778240", customer_key: "cust-123", email: "", registrant_id: "", participant_user_id: "" };
// Late binding: nothing identifies Lee on the join; the leave carries the registrant id.
const leeJoin = { user_name: "Lee", participant_uuid: "PU-LEE", user_id: "16778241", customer_key: "", email: "", registrant_id: "", participant_user_id: "" };
const leeLeave = { ...leeJoin, registrant_id: "REG-LEE-1" };
const guest = { user_name: "Someone", participant_uuid: "PU-GUEST", user_id: "16778242", customer_key: "", email: "", registrant_id: "", participant_user_id: "" };

eachDatabase("outbound webhooks", (database) => {
  let rollcall: RunningRollcall;
  let receiver: Receiver;
  let failing: Receiver;
  let failingId: string;

  beforeAll(async () => {
    ({ rollcall } = await startNotifyService(database().url));
    await importUsers(
      rollcall.store.db,
      [
        { externalId: "user-123", customerKeys: ["cust-123"] },
        { externalId: "user-456", registrants: [{ meetingId: "81234567890", registrantId: "REG-LEE-1" }] },
      ],
      { accountId: DEFAULT_ACCOUNT, privacy: { privacy: "store" } },
    );
    receiver = await startReceiver();
    const added = await addEndpoint(rollcall.store.db, { url: receiver.url }, { allowPrivate: true });
    receiver.secret = added.secret;
    // A second endpoint that never succeeds: its messages end as dead letters, and must not slow the first.
    failing = await startReceiver();
    const bad = await addEndpoint(rollcall.store.db, { url: failing.url, events: ["attendee.joined", "attendee.left"] }, { allowPrivate: true });
    failing.secret = bad.secret;
    failingId = bad.endpoint.id;
    failing.respond = () => 503;
  });

  afterAll(async () => {
    await rollcall?.stop();
    await receiver?.close();
    await failing?.close();
  });

  it("delivers every event signed, through failed first attempts and an outage, with the same webhook-id on retries", async () => {
    // Every message's first attempt fails.
    receiver.respond = (_d, attempt) => (attempt === 1 ? 500 : 204);
    const post = (body: unknown) => postSigned(rollcall.url, zoomSecret, body);
    await post(meeting.started());
    await post(meeting.joined(dana, start + 1 * minute));
    await post(meeting.joined(leeJoin, start + 2 * minute));
    await post(meeting.joined(guest, start + 3 * minute));
    await eventually(() => receiver.accepted().some((d) => d.type === "session.unresolved"), 60_000, "the first events");

    // The receiver goes down; the meeting goes on.
    await receiver.down();
    await post(meeting.left(leeLeave, start + 20 * minute));
    await post(meeting.left(dana, start + 50 * minute));
    await post(meeting.ended(start + 60 * minute));
    await new Promise((r) => setTimeout(r, 1500));
    await receiver.up();

    await eventually(() => receiver.accepted().some((d) => d.type === "instance.ended"), 60_000, "instance.ended");
    await eventually(async () => (await pendingFor(rollcall, receiver.url)) === 0, 60_000, "an empty outbox");

    const accepted = receiver.accepted();
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    // Nothing lost, nothing twice: one success per message, and every written message succeeded.
    const messages = await rollcall.store.db.selectFrom("webhook_messages as m").innerJoin("webhook_endpoints as e", "e.id", "m.endpoint_id").select(["m.message_id", "m.state", "m.attempts"]).where("e.url", "=", receiver.url).execute();
    expect(messages.every((m) => m.state === "delivered")).toBe(true);
    expect(new Set(accepted.map((d) => d.id))).toEqual(new Set(messages.map((m) => m.message_id)));
    // Retries kept the id: every accepted id was refused once before, under the same id.
    for (const d of accepted) expect(receiver.deliveries.filter((x) => x.id === d.id && x.answered === 500).length).toBeGreaterThanOrEqual(1);
    expect(messages.some((m) => Number(m.attempts) > 2)).toBe(true); // the outage cost more attempts

    const types = accepted.map((d) => d.type);
    expect(types.filter((t) => t === "instance.started")).toHaveLength(1);
    expect(types.filter((t) => t === "instance.ended")).toHaveLength(1);

    const joined = accepted.filter((d) => d.type === "attendee.joined").map((d) => d.body.data);
    expect(joined).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ externalId: "user-123", sessionKey: "PU-DANA", joinTime: iso(start + minute), resolvedBy: "customer_key", meetingId: "81234567890", instanceUuid: "NotifyUuid0000000000001==" }),
        // Announced only when the leave resolved it, with the real join time.
        expect.objectContaining({ externalId: "user-456", sessionKey: "PU-LEE", joinTime: iso(start + 2 * minute), resolvedBy: "registrant_id" }),
      ]),
    );
    const left = accepted.filter((d) => d.type === "attendee.left").map((d) => d.body.data);
    expect(left).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ externalId: "user-456", joinTime: iso(start + 2 * minute), leaveTime: iso(start + 20 * minute), closedByMeetingEnd: false }),
        expect.objectContaining({ externalId: "user-123", leaveTime: iso(start + 50 * minute), closedByMeetingEnd: false }),
      ]),
    );
    // The late-bound join is announced before its leave.
    const order = accepted.map((d) => `${d.type}:${d.body.data["externalId"] ?? ""}`);
    expect(order.indexOf("attendee.joined:user-456")).toBeLessThan(order.indexOf("attendee.left:user-456"));
    // Per endpoint and instance, sent in the order written.
    const written = await rollcall.store.db.selectFrom("webhook_messages as m").innerJoin("webhook_endpoints as e", "e.id", "m.endpoint_id").select(["m.message_id"]).where("e.url", "=", receiver.url).orderBy("m.id").execute();
    expect(accepted.map((d) => d.id)).toEqual(written.map((m) => m.message_id));

    // Lee was unresolved until the leave, the guest stays so: both reported once, for review.
    const unresolved = accepted.filter((d) => d.type === "session.unresolved").map((d) => d.body.data);
    expect(unresolved).toHaveLength(2);
    expect(unresolved).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sessionKey: "PU-GUEST", reason: "no_identifier", userName: "Someone", joinTime: iso(start + 3 * minute) }),
        expect.objectContaining({ sessionKey: "PU-LEE", userName: "Lee", joinTime: iso(start + 2 * minute) }),
      ]),
    );

    // attendance.updated: the latest row of each user is the last one sent for them.
    const lastRow = (user: string) => accepted.filter((d) => d.type === "attendance.updated" && d.body.data["attendee"].externalId === user).at(-1)!.body.data["attendee"];
    expect(lastRow("user-123")).toMatchObject({ externalId: "user-123", attendedSeconds: 49 * 60, firstJoin: iso(start + minute), lastLeave: iso(start + 50 * minute), sessions: 1, resolvedBy: "customer_key" });
    expect(lastRow("user-456")).toMatchObject({ externalId: "user-456", attendedSeconds: 18 * 60, status: expect.any(String) });
  }, 180_000);

  it("dead-letters what keeps failing after the schedule, without slowing the healthy endpoint, and replays it with the same id", async () => {
    await eventually(async () => (await listDeadLetters(rollcall.store.db, { endpointId: failingId })).length === 4, 60_000, "four dead letters");
    const dead = await listDeadLetters(rollcall.store.db, { endpointId: failingId });
    expect(dead.every((d) => d.attempts === 5 && d.lastStatus === 503)).toBe(true);
    expect(dead.map((d) => d.type).sort()).toEqual(["attendee.joined", "attendee.joined", "attendee.left", "attendee.left"]);
    const attempts = failing.deliveries.filter((d) => d.id === dead[0]!.messageId);
    expect(attempts).toHaveLength(5);
    // Spread over the schedule (0.5 + 1 + 2 + 4 s, ±20 %).
    expect(attempts.at(-1)!.at - attempts[0]!.at).toBeGreaterThan(0.8 * 7500 - 100);

    failing.respond = () => 200;
    expect(await replayDeadLetters(rollcall.store.db, { endpointId: failingId })).toBe(4);
    await eventually(() => failing.accepted().length === 4, 60_000, "replayed deliveries");
    expect(new Set(failing.accepted().map((d) => d.id))).toEqual(new Set(dead.map((d) => d.messageId)));
    expect(await listDeadLetters(rollcall.store.db, { endpointId: failingId })).toHaveLength(0);
  }, 180_000);

  it("reports deliveries by outcome, attempts, outbox depth and the oldest undelivered age", async () => {
    // A message written just before (a live row's update) may still be on its way: wait for the outbox to drain.
    let text = "";
    await eventually(async () => /rollcall_outbound_webhook_outbox_depth 0/.test((text = await (await fetch(`${rollcall.url}/metrics`)).text())), 30_000, "the outbox drained");
    expect(text).toMatch(/rollcall_outbound_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(text).toMatch(/rollcall_outbound_webhook_deliveries_total\{outcome="failed"\} [1-9]/);
    expect(text).toMatch(/rollcall_outbound_webhook_deliveries_total\{outcome="dead"\} 4/);
    expect(text).toMatch(/rollcall_outbound_webhook_attempts_total [1-9]/);
    expect(text).toMatch(/rollcall_outbound_webhook_outbox_depth 0/);
    expect(text).toMatch(/rollcall_outbound_webhook_oldest_undelivered_seconds 0/);
  });
});

async function pendingFor(rollcall: RunningRollcall, url: string): Promise<number> {
  const row = await rollcall.store.db
    .selectFrom("webhook_messages as m")
    .innerJoin("webhook_endpoints as e", "e.id", "m.endpoint_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("e.url", "=", url)
    .where("m.state", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
