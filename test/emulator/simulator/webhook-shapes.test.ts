import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";
import type { ScheduledDelivery } from "../../../src/emulator/simulator/simulation-types.js";

const participantOf = (d: ScheduledDelivery) => (d.body.payload as any).object.participant;
const objectOf = (d: ScheduledDelivery) => (d.body.payload as any).object;

describe("simulated webhooks", () => {
  const classroom = simulateMeeting(loadScenario("classroom"), { seed: 11 });

  it("is deterministic per seed and differs between seeds", () => {
    const again = simulateMeeting(loadScenario("classroom"), { seed: 11 });
    expect(JSON.stringify(again.deliveries)).toBe(JSON.stringify(classroom.deliveries));
    expect(again.groundTruth).toEqual(classroom.groundTruth);
    const other = simulateMeeting(loadScenario("classroom"), { seed: 12 });
    expect(JSON.stringify(other.deliveries)).not.toBe(JSON.stringify(classroom.deliveries));
    // What happened does not depend on the seed, only how Zoom reports it.
    expect(other.groundTruth.byUser.map((e) => e.seconds)).toEqual(classroom.groundTruth.byUser.map((e) => e.seconds));
    // Two scenarios run with one seed never share an instance.
    expect(simulateMeeting(loadScenario("flaky-network"), { seed: 11 }).instance.uuid).not.toBe(classroom.instance.uuid);
  });

  it("shapes breakout moves like capture 08 (keys, user_id, parent_user_id, same participant_uuid)", () => {
    const joinedRoom = classroom.deliveries.filter((d) => d.event === "meeting.participant_joined_breakout_room");
    const leftRoom = classroom.deliveries.filter((d) => d.event === "meeting.participant_left_breakout_room");
    expect(joinedRoom.length).toBe(4);
    // Key order of capture 08.
    expect(Object.keys(joinedRoom[0]!.body)).toEqual(["payload", "event_ts", "event"]);
    expect(Object.keys(objectOf(joinedRoom[0]!))).toEqual(["breakout_room_uuid", "uuid", "participant", "id", "type", "topic", "host_id", "duration", "start_time", "timezone"]);
    expect(Object.keys(participantOf(joinedRoom[0]!))).toEqual(["public_ip", "user_id", "parent_user_id", "user_name", "participant_user_id", "id", "join_time", "email", "participant_uuid"]);
    expect(Object.keys(participantOf(leftRoom[0]!))).toEqual([
      "leave_time", "public_ip", "user_id", "parent_user_id", "user_name", "registrant_id", "participant_user_id", "id", "leave_reason", "email", "private_ip", "participant_uuid",
    ]);
    for (const d of joinedRoom) {
      const p = participantOf(d);
      expect(p.user_id).toMatch(/^\d{8,9}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}$/);
      expect(objectOf(d).breakout_room_uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      // The main-room leave of the same connection carries parent_user_id as its user_id.
      const mainLeave = classroom.deliveries.find(
        (x) => x.event === "meeting.participant_left" && participantOf(x).participant_uuid === p.participant_uuid && participantOf(x).user_id === p.parent_user_id,
      );
      expect(mainLeave, `main leave for ${p.parent_user_id}`).toBeDefined();
      expect(participantOf(mainLeave!).leave_reason).toMatch(/^left the meeting\. Reason : left the meeting( to join breakout room)?$/);
      expect(participantOf(mainLeave!).leave_time).toBe(p.join_time);
    }
    const returnReasons = leftRoom.map((d) => participantOf(d).leave_reason);
    expect(returnReasons).toContain("left the breakout room. Reason : Leave breakout room.");
  });

  it("gives a new user_id on every move and every connection, and a new participant_uuid on a real rejoin", () => {
    const joins = classroom.deliveries.filter((d) => /participant_joined(_breakout_room)?$/.test(d.event) && !d.note);
    const userIds = joins.map((d) => participantOf(d).user_id);
    expect(new Set(userIds).size).toBe(userIds.length);
    expect(userIds[0]).toBe("16778240"); // Zoom's ids recur across meetings
    const ben = joins.filter((d) => participantOf(d).user_name === "Ben Okafor" && d.event === "meeting.participant_joined");
    expect(ben).toHaveLength(2);
    expect(participantOf(ben[0]!).participant_uuid).not.toBe(participantOf(ben[1]!).participant_uuid);
    expect(participantOf(ben[0]!).participant_uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it("follows the registrant_id presence rules, including the join without it", () => {
    const benJoin = classroom.deliveries.find((d) => d.event === "meeting.participant_joined" && participantOf(d).user_name === "Ben Okafor")!;
    const benLeave = classroom.deliveries.find((d) => /participant_left/.test(d.event) && participantOf(d).user_name === "Ben Okafor")!;
    expect("registrant_id" in participantOf(benJoin)).toBe(false);
    expect(participantOf(benLeave).registrant_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const anaJoin = classroom.deliveries.find((d) => d.event === "meeting.participant_joined" && participantOf(d).user_name === "Ana Silva")!;
    expect(participantOf(anaJoin).registrant_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const flaky = simulateMeeting(loadScenario("flaky-network"), { seed: 1 });
    const nullJoin = flaky.deliveries.find((d) => d.event === "meeting.participant_joined")!;
    expect(participantOf(nullJoin).registrant_id).toBeNull();
  });

  it("uses a string meeting id in participant events and a number in registration and jbh_waiting_left", () => {
    for (const d of classroom.deliveries) {
      const expected = /registration_created/.test(d.event) ? "number" : "string";
      expect(typeof objectOf(d).id, d.event).toBe(expected);
    }
    const hipaa = simulateMeeting(parseScenario({
      meeting: { number: "81111111111", topic: "T", start: "2026-01-01T10:00:00Z", duration: 60 },
      end: { at: "10m" },
      participants: [
        { id: "h", kind: "logged_in", name: "H", email: "h@example.com", timeline: [{ do: "join", at: 0 }] },
        { id: "w", kind: "anonymous_guest", name: "W", timeline: [{ do: "jbh_wait", at: "-3m" }, { do: "leave", at: "-1m" }] },
      ],
    }));
    const waitingLeft = hipaa.deliveries.find((d) => d.event === "meeting.participant_jbh_waiting_left")!;
    expect(objectOf(waitingLeft).id).toBe(81111111111);
    expect(participantOf(waitingLeft)).toEqual({ id: "", user_name: "W" });
  });

  it("uses event_ts in milliseconds close to the event's own time, and ISO times without milliseconds", () => {
    for (const d of classroom.deliveries) {
      const p = participantOf(d);
      const own = p?.join_time ?? p?.leave_time ?? p?.date_time;
      if (own) {
        expect(own).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const lag = d.body.event_ts - Date.parse(own);
        expect(lag).toBeGreaterThanOrEqual(0);
        expect(lag).toBeLessThan(5000);
      }
      expect(d.at).toBeGreaterThanOrEqual(d.body.event_ts);
    }
  });

  it("fills e-mail for same-account users and registrants, blanks it for guests, and lists phone numbers", () => {
    const first = (name: string) => participantOf(classroom.deliveries.find((d) => d.event === "meeting.participant_joined" && participantOf(d).user_name === name)!);
    expect(first("Ms Rivera")).toMatchObject({ email: "rivera@school.example.com", id: classroom.instance.hostId, participant_user_id: classroom.instance.hostId });
    const phone = first("+1 555***0184");
    expect(phone).toMatchObject({ email: "", id: "", phone_number: "15555550184" });
    expect(phone.public_ip).toBeUndefined();
    const bind = classroom.deliveries.find((d) => d.event === "meeting.participant_bind")!;
    const ana = first("Ana Silva");
    expect(participantOf(bind)).toMatchObject({ user_id: phone.user_id, bind_user_id: ana.user_id, bind_participant_uuid: ana.participant_uuid, phone_number: "15555550184" });
  });

  it("blanks names and e-mails on a HIPAA account but keeps customer keys", () => {
    const sim = simulateMeeting(loadScenario("interpreter-sdk-hipaa"), { seed: 2 });
    const participants = sim.deliveries.map(participantOf).filter(Boolean);
    expect(participants.length).toBeGreaterThan(8);
    for (const p of participants) {
      expect(p.user_name).toBe("");
      if ("email" in p) expect(p.email).toBe("");
    }
    expect(participants.map((p) => p.customer_key)).toContain("int123456");
    expect(sim.report.rows.every((r) => r.name === "" && r.user_email === "")).toBe(true);
    const open = simulateMeeting(loadScenario("interpreter-sdk-hipaa", { "account.hipaa": "false" }), { seed: 2 });
    expect(open.deliveries.map(participantOf).filter(Boolean).map((p) => p.user_name)).toContain("John 123456 (Spanish Interpreter)");
    // Join before host: jbh_joined (no user_id) just before meeting.started.
    const jbh = sim.deliveries.find((d) => d.event === "meeting.participant_jbh_joined")!;
    const started = sim.deliveries.find((d) => d.event === "meeting.started")!;
    expect(participantOf(jbh).user_id).toBeUndefined();
    expect(started.body.event_ts - jbh.body.event_ts).toBe(310);
  });

  it("emits webinar events for webinars", () => {
    const sim = simulateMeeting(loadScenario("webinar-at-scale", { attendees: "30" }), { seed: 5 });
    const events = new Set(sim.deliveries.map((d) => d.event));
    expect([...events].sort()).toEqual(["webinar.ended", "webinar.participant_joined", "webinar.participant_left", "webinar.registration_created", "webinar.started"]);
    expect(sim.deliveries.every((d) => objectOf(d).type === 5)).toBe(true);
    const registered = sim.deliveries.filter((d) => d.event === "webinar.registration_created");
    expect(registered).toHaveLength(30);
    expect(objectOf(registered[0]!).registrant.join_url).toMatch(/^https:\/\/zoom\.us\/w\/93012345678\?tk=/);
    expect(sim.groundTruth.byUser).toHaveLength(34);
  });

  it("ends with a Host-ended leave for everyone still inside, then meeting.ended (twice when asked)", () => {
    const ended = classroom.deliveries.filter((d) => d.event === "meeting.ended");
    expect(ended).toHaveLength(2);
    expect(Object.keys(ended[0]!.body)).toEqual(["event", "payload", "event_ts"]);
    expect(objectOf(ended[0]!).end_time).toBe("2026-01-12T09:55:00Z");
    const hostEnded = classroom.deliveries.filter((d) => participantOf(d)?.leave_reason === "left the meeting. Reason : Host ended the meeting.");
    expect(hostEnded.map((d) => participantOf(d).user_name).sort()).toEqual(["Ben Okafor", "Esi Mensah", "Ms Rivera"]);
  });

  it("applies the scenario's delivery faults without touching ground truth", () => {
    const sim = simulateMeeting(loadScenario("flaky-network"), { seed: 4 });
    const endedAt = sim.deliveries.find((d) => d.event === "meeting.ended")!.at;
    const gina = sim.deliveries.filter((d) => participantOf(d)?.user_name === "Gina Rossi");
    expect(gina.filter((d) => d.event === "meeting.participant_joined")).toHaveLength(2); // duplicated join
    const ginaLeave = gina.find((d) => d.event === "meeting.participant_left")!;
    expect(ginaLeave.at).toBeGreaterThan(endedAt);
    expect(participantOf(ginaLeave).leave_time).toBe("2026-02-05T14:30:00Z");
    const frankLeaves = sim.deliveries.filter((d) => d.event === "meeting.participant_left" && participantOf(d).leave_time === "2026-02-05T14:40:00Z");
    expect(frankLeaves).toHaveLength(2);
    expect(frankLeaves[1]!.at - frankLeaves[0]!.at).toBe(85 * 60_000);
    expect(JSON.stringify(frankLeaves[1]!.body)).toBe(JSON.stringify(frankLeaves[0]!.body));
    // Hugo's leave arrives after his rejoin.
    const hugo = sim.deliveries.filter((d) => participantOf(d)?.user_name === "Hugo").map((d) => d.event);
    expect(hugo.slice(0, 3)).toEqual(["meeting.participant_joined", "meeting.participant_joined", "meeting.participant_left"]);
    // Ivy's leave is never delivered, but the truth knows when she left.
    expect(sim.dropped.map((d) => participantOf(d).user_name)).toEqual(["Ivy Chen"]);
    expect(sim.deliveries.some((d) => d.event === "meeting.participant_left" && participantOf(d).user_name === "Ivy Chen")).toBe(false);
    expect(sim.groundTruth.byUser.find((e) => e.key === "app-user-ivy")).toMatchObject({ seconds: 1800, lastLeave: "2026-02-05T14:35:00Z" });
  });

  it("generates the default 10,000-attendee webinar quickly", () => {
    const started = performance.now();
    const sim = simulateMeeting(loadScenario("webinar-at-scale"), { seed: 1 });
    const ms = performance.now() - started;
    expect(sim.groundTruth.byUser).toHaveLength(10_004);
    expect(sim.deliveries.length).toBeGreaterThan(30_000);
    expect(ms).toBeLessThan(20_000);
  });
});
