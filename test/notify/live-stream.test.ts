import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_ACCOUNT, importUsers } from "../../src/directory/index.js";
import { createApiKey } from "../../src/api-keys/index.js";
import { notifyEventTypes } from "../../src/notify/index.js";
import type { RunningRollcall } from "../../src/service/index.js";
import { eachDatabase } from "../support/databases.js";
import { postSigned, zoomMeeting } from "../pipeline/support/zoom-webhooks.js";
import { eventually } from "./support/receiver.js";
import { startNotifyService, zoomSecret } from "./support/notify-service.js";

const minute = 60_000;
const start = Date.UTC(2026, 10, 30, 10, 0, 0);
const uuid = "LiveUuid00000000000001==";
const meeting = zoomMeeting({ accountId: "acct-live", uuid, id: "81234567891", topic: "Live", hostId: "HOST01", start });
const dana = { user_name: "Dana", participant_uuid: "PU-DANA", user_id: "16778240", customer_key: "cust-123" };
const lee = { user_name: "Lee", participant_uuid: "PU-LEE", user_id: "16778241", customer_key: "cust-456" };

interface Received {
  id: string;
  type: string;
  data: any;
}

eachDatabase("live stream (SSE)", (database) => {
  let rollcall: RunningRollcall;
  let apiKey: string;
  const liveRequests: IncomingMessage[] = [];
  const liveSockets = new Set<Socket>();

  beforeAll(async () => {
    ({ rollcall } = await startNotifyService(database().url));
    apiKey = (await createApiKey(rollcall.store.db, { name: "live-test", scope: "read" })).key;
    // The sockets of open streams (a refused request's socket goes back to the client's pool).
    rollcall.app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.endsWith("/live")) {
        liveRequests.push(request);
        liveSockets.add(request.socket);
        response.on("finish", () => liveSockets.delete(request.socket));
      }
    });
    await importUsers(rollcall.store.db, [{ externalId: "user-123", customerKeys: ["cust-123"] }, { externalId: "user-456", customerKeys: ["cust-456"] }], { accountId: DEFAULT_ACCOUNT, privacy: { privacy: "store" } });
  });
  afterAll(async () => {
    await rollcall?.stop();
  });

  /** An EventSource on `path` with the API key, collecting every message into `received`. */
  function listen(path: string, received: Received[]): EventSource {
    const source = new EventSource(`${rollcall.url}${path}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${apiKey}` } }),
    });
    for (const type of ["roster", "ready", ...notifyEventTypes]) {
      source.addEventListener(type, (event) => received.push({ id: event.lastEventId, type, data: JSON.parse(event.data) }));
    }
    return source;
  }

  it("refuses a request without the API key, and a Last-Event-ID that is no event id", async () => {
    expect((await fetch(`${rollcall.url}/api/v1/instances/${encodeURIComponent(uuid)}/live`)).status).toBe(401);
    expect((await fetch(`${rollcall.url}/api/v1/live`)).status).toBe(401);
    const bad = await fetch(`${rollcall.url}/api/v1/live`, { headers: { authorization: `Bearer ${apiKey}`, "last-event-id": "yesterday" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: Array<{ path: string }> } }).error.details[0]!.path).toBe("headers.last-event-id");
  });

  it("keeps the stream of an instance with no events yet open (no 404 for EventSource to give up on), and sends its events when they come", async () => {
    const early = "LiveEarlyUuid000000001==";
    const later = zoomMeeting({ accountId: "acct-live", uuid: early, id: "81234567899", topic: "Not yet", hostId: "HOST01", start });
    const received: Received[] = [];
    const source = listen(`/api/v1/instances/${encodeURIComponent(early)}/live`, received);
    try {
      await eventually(() => source.readyState === EventSource.OPEN, 60_000, "the stream to open");
      await postSigned(rollcall.url, zoomSecret, later.started());
      await postSigned(rollcall.url, zoomSecret, later.joined(dana, start + minute));
      await eventually(() => received.some((r) => r.type === "attendee.joined"), 60_000, "the first join");
      expect(received.map((r) => r.type)).toEqual(expect.arrayContaining(["instance.started", "attendee.joined", "attendance.updated"]));
      expect(received.every((r) => r.data.data.instanceUuid === early || r.data.data.instance?.uuid === early)).toBe(true);
    } finally {
      source.close();
    }
  }, 120_000);

  it("streams every instance's events on /api/v1/live, resumable with Last-Event-ID", async () => {
    const a = zoomMeeting({ accountId: "acct-live", uuid: "LiveAllUuidA0000000001==", id: "81234567801", topic: "A", hostId: "HOST01", start });
    const b = zoomMeeting({ accountId: "acct-live", uuid: "LiveAllUuidB0000000001==", id: "81234567802", topic: "B", hostId: "HOST01", start });
    const received: Received[] = [];
    const source = listen("/api/v1/live", received);
    try {
      await eventually(() => received.some((r) => r.type === "ready"), 60_000, "ready");
      await postSigned(rollcall.url, zoomSecret, a.started());
      await postSigned(rollcall.url, zoomSecret, b.started());
      await eventually(() => received.filter((r) => r.type === "instance.started").length === 2, 60_000, "both instances");
      for (const socket of liveSockets) socket.destroy();
      liveSockets.clear();
      await postSigned(rollcall.url, zoomSecret, a.joined(dana, start + minute));
      await postSigned(rollcall.url, zoomSecret, b.joined(lee, start + minute));
      await postSigned(rollcall.url, zoomSecret, a.ended(start + 30 * minute));
      await eventually(() => received.some((r) => r.type === "instance.ended"), 60_000, "instance.ended after the reconnect");
    } finally {
      source.close();
    }
    const ready = received.find((r) => r.type === "ready")!;
    expect(ready.data).toEqual({ lastEventId: ready.id });
    const stored = await rollcall.store.db.selectFrom("notify_events").select(["id", "type"]).where("id", ">", Number(ready.id)).orderBy("id").execute();
    const streamed = received.filter((r) => r.type !== "ready");
    // Exactly the events written after `ready`, of both instances, in order: none missed across the reconnect, none twice.
    expect(streamed.map((r) => [Number(r.id), r.type])).toEqual(stored.slice(0, streamed.length).map((s) => [Number(s.id), s.type]));
    expect(new Set(streamed.map((r) => r.data.data.instanceUuid ?? r.data.data.instance.uuid))).toEqual(new Set(["LiveAllUuidA0000000001==", "LiveAllUuidB0000000001=="]));
    expect(received.filter((r) => r.type === "ready")).toHaveLength(1);
  }, 180_000);

  it("sends the roster, then events as they happen, and misses nothing across a reconnect", async () => {
    const post = (body: unknown) => postSigned(rollcall.url, zoomSecret, body);
    await post(meeting.started());
    await post(meeting.joined(dana, start + minute));
    await eventually(async () => (await rollcall.store.db.selectFrom("attendance").select("user_id").where("instance_uuid", "=", uuid).execute()).length === 1, 60_000, "Dana's attendance");

    const received: Received[] = [];
    const source = listen(`/api/v1/instances/${encodeURIComponent(uuid)}/live`, received);
    try {
      await eventually(() => received.length >= 1, 60_000, "the roster");
      expect(received[0]!.type).toBe("roster");
      expect(received[0]!.data.attendees.map((a: { externalId: string }) => a.externalId)).toEqual(["user-123"]);

      await post(meeting.joined(lee, start + 2 * minute));
      await eventually(() => received.some((r) => r.type === "attendee.joined" && r.data.data.externalId === "user-456"), 60_000, "Lee's join");

      // The connection drops; the meeting goes on meanwhile.
      for (const socket of liveSockets) socket.destroy();
      liveSockets.clear();
      await post(meeting.left(lee, start + 20 * minute));
      await post(meeting.left(dana, start + 30 * minute));
      await post(meeting.ended(start + 40 * minute));
      await eventually(() => received.some((r) => r.type === "instance.ended"), 60_000, "instance.ended after the reconnect");
    } finally {
      source.close();
    }

    const streams = liveRequests.filter((r) => r.headers.authorization !== undefined && r.url?.includes(encodeURIComponent(uuid)));
    expect(streams.length).toBeGreaterThanOrEqual(2);
    const resumedWith = streams[1]!.headers["last-event-id"];
    expect(resumedWith).toMatch(/^\d+$/);
    // Exactly the instance's events after the roster, in order, none missed, none twice, no second roster.
    const rosterId = Number(received[0]!.id);
    const stored = await rollcall.store.db.selectFrom("notify_events").select(["id", "type"]).where("instance_uuid", "=", uuid).where("id", ">", rosterId).orderBy("id").execute();
    const streamed = received.slice(1);
    expect(streamed.map((r) => [Number(r.id), r.type])).toEqual(stored.map((s) => [Number(s.id), s.type]));
    expect(received.filter((r) => r.type === "roster")).toHaveLength(1);
    expect(streamed.some((r) => Number(r.id) > Number(resumedWith))).toBe(true);
    const leaves = streamed.filter((r) => r.type === "attendee.left").map((r) => r.data.data.externalId);
    expect(leaves.sort()).toEqual(["user-123", "user-456"]);
  }, 180_000);
});
