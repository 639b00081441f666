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

  it("refuses a request without the API key, and an unknown instance", async () => {
    expect((await fetch(`${rollcall.url}/api/v1/instances/${encodeURIComponent(uuid)}/live`)).status).toBe(401);
    const unknown = await fetch(`${rollcall.url}/api/v1/instances/nope/live`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(unknown.status).toBe(404);
  });

  it("sends the roster, then events as they happen, and misses nothing across a reconnect", async () => {
    const post = (body: unknown) => postSigned(rollcall.url, zoomSecret, body);
    await post(meeting.started());
    await post(meeting.joined(dana, start + minute));
    await eventually(async () => (await rollcall.store.db.selectFrom("attendance").select("user_id").where("instance_uuid", "=", uuid).execute()).length === 1, 60_000, "Dana's attendance");

    const received: Received[] = [];
    const source = new EventSource(`${rollcall.url}/api/v1/instances/${encodeURIComponent(uuid)}/live`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${apiKey}` } }),
    });
    for (const type of ["roster", ...notifyEventTypes]) {
      source.addEventListener(type, (event) => received.push({ id: event.lastEventId, type, data: JSON.parse(event.data) }));
    }
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

    const streams = liveRequests.filter((r) => r.headers.authorization !== undefined && !r.url?.includes("/nope/"));
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
