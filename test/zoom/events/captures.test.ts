import { describe, expect, it } from "vitest";
import type { NormalisedEvent, ParticipantEvent } from "../../../src/core/index.js";
import { EVENT_MEANINGS, hashEmail, normaliseZoomEvent } from "../../../src/zoom/events/index.js";
import { captureFile, loadCaptures } from "./captures.js";

const all = loadCaptures();

function event(body: unknown, options?: Parameters<typeof normaliseZoomEvent>[1]): NormalisedEvent {
  const r = normaliseZoomEvent(body, options);
  if (r.status !== "event") throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe("every captured Zoom body", () => {
  it("is all 77 of them", () => {
    expect(all).toHaveLength(77);
  });

  it.each(all.map((c) => [`${c.file}#${c.index} ${c.body.event}`, c] as const))("%s is accepted", (_name, c) => {
    const r = normaliseZoomEvent(c.body);
    expect(r.status).not.toBe("rejected");
    if (EVENT_MEANINGS.has(c.body.event)) {
      expect(r.status).toBe("event");
      if (r.status !== "event") return;
      expect(r.event.instanceUuid).toBe((c.body as unknown as { payload: { object: { uuid: string } } }).payload.object.uuid);
      expect(Number.isFinite(r.event.at)).toBe(true);
      expect(r.event.key).not.toBe("");
    } else {
      expect(r).toEqual({ status: "ignored", reason: `event "${c.body.event}" is not used by Rollcall` });
    }
  });

  it("only meeting.created is ignored among them", () => {
    const ignored = all.filter((c) => normaliseZoomEvent(c.body).status === "ignored").map((c) => c.body.event);
    expect(ignored).toEqual(["meeting.created"]);
  });

  it("is accepted under every privacy mode, without names or e-mails under drop", () => {
    for (const c of all) {
      expect(normaliseZoomEvent(c.body, { privacy: "hash", hashKey: "k" }).status).not.toBe("rejected");
      const r = normaliseZoomEvent(c.body, { privacy: "drop" });
      expect(r.status).not.toBe("rejected");
      if (r.status === "event" && r.event.type === "participant") {
        expect(r.event.participant.userName).toBeUndefined();
        expect(r.event.participant.email).toBeUndefined();
      }
    }
  });
});

describe("what the captures teach (zoom-facts §9)", () => {
  it("04: registrant_id null on the join and \"\" on the leave are both absent; the host's ids come through", () => {
    const [startedBody, joinBody, endedBody, leftBody] = captureFile("04");
    const join = event(joinBody) as ParticipantEvent;
    const leave = event(leftBody) as ParticipantEvent;
    expect(join.participant.registrantId).toBeUndefined();
    expect(leave.participant.registrantId).toBeUndefined();
    expect(join.participant.zoomUserId).toBe("zJg6WoqzQf7STks7BL5MZA");
    expect(join.participant.email).toBe("ivo.kucerak@example.com");
    expect(join.at).toBe(Date.parse("2022-03-23T12:33:26Z"));
    expect(leave.leaveReason).toBe("left the meeting. Reason : Host ended the meeting.");
    const s = event(startedBody);
    const e = event(endedBody);
    expect(s).toMatchObject({ type: "instance", kind: "started", meetingId: "84486953211", meeting: { meetingType: 1, scheduledMinutes: 0 } });
    expect(e).toMatchObject({ type: "instance", kind: "ended", at: Date.parse("2022-03-23T12:33:39Z"), meeting: { endTime: Date.parse("2022-03-23T12:33:39Z") } });
    expect((e as { meeting: { timezone?: string } }).meeting.timezone).toBeUndefined();
  });

  it("07: a jbh_joined with neither user_id nor time still normalises; meeting id numbers become strings", () => {
    const bodies = captureFile("07");
    const jbh = event(bodies[1]) as ParticipantEvent;
    expect(jbh).toMatchObject({ kind: "jbh_joined", at: 0, participant: { userName: "Greta" } });
    expect(jbh.participant.userId).toBeUndefined();
    const join = event(bodies[3]) as ParticipantEvent;
    expect(join.meetingId).toBe("89516094221");
    expect(join.participant).toEqual({ userId: "16778240", participantUuid: "10010282-DB44-816C-EAE6-61EE82AF0F62", userName: "Greta" });
    expect(event(captureFile("16")[0]).meetingId).toMatch(/^\d+$/);
  });

  it("08: breakout user_ids are kept as text, with the parent user id and room", () => {
    const [leftRoom] = captureFile("08");
    const e = event(leftRoom) as ParticipantEvent;
    expect(e.kind).toBe("breakout_left");
    expect(e.participant.userId).toBe("167956482026-02-02 11:21:31:000");
    expect(e.participant.parentUserId).toBe("18324480");
    expect(e.breakoutRoomUuid).toBeDefined();
  });

  it("12/17: every optional identifier is read, e-mails lower-cased; webinars are webinars", () => {
    const wr = event(captureFile("12")[0]) as ParticipantEvent;
    expect(wr).toMatchObject({ kind: "waiting_room_joined", at: Date.parse("2021-07-13T21:44:51Z") });
    expect(wr.participant).toMatchObject({ customerKey: "349589LkJyeW", registrantId: "abcdefghij0-klmnopq23456", phoneNumber: "8615555550184", zoomUserId: "iFxeBPYun6SAiWUzBcEkX" });
    const web = event(captureFile("17")[0]);
    expect(web).toMatchObject({ product: "webinar", type: "participant", kind: "joined" });
  });

  it("hash mode: e-mails become the keyed hash of the lower-cased address, names a keyed hash", () => {
    const body = captureFile("05")[0];
    const hashed = event(body, { privacy: "hash", hashKey: "secret" }) as ParticipantEvent;
    expect(hashed.participant.email).toBe(hashEmail("JO@example.com", "secret"));
    expect(hashed.participant.userName).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed.participant.userName).not.toBe(event(body, { privacy: "hash", hashKey: "other" }).type === "participant" ? (event(body, { privacy: "hash", hashKey: "other" }) as ParticipantEvent).participant.userName : "");
    expect(() => normaliseZoomEvent(body, { privacy: "hash" })).toThrow(/hashKey/);
  });

  it("redeliveries keep the same key; different events do not", () => {
    const keys = all.filter((c) => EVENT_MEANINGS.has(c.body.event)).map((c) => event(c.body).key);
    expect(new Set(keys).size).toBe(keys.length);
    const again = structuredClone(all[5]!.body);
    expect(event(again).key).toBe(event(all[5]!.body).key);
  });
});
