/**
 * The dedupe key on old-style bodies (captures 02–03: no `participant_uuid`, no `event_ts`), where
 * only `user_id`, `id` and the event's own time tell two deliveries apart.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentKey } from "../../../src/zoom/events/index.js";
import { captureFile } from "./captures.js";

const joined2020 = captureFile("02-")[0]!;
const left2020 = captureFile("03-")[0]!;

/** A copy of `body` with the participant's fields replaced. */
function withParticipant(body: object, participant: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(body) as { payload: { object: { participant: Record<string, unknown> } } };
  copy.payload.object.participant = { ...copy.payload.object.participant, ...participant };
  return copy;
}

describe("contentKey on old-style bodies (no participant_uuid, no event_ts)", () => {
  it("the 2020 captures have neither participant_uuid nor event_ts", () => {
    for (const body of [joined2020, left2020]) {
      expect(body).not.toHaveProperty("event_ts");
      expect((body as any).payload.object.participant).not.toHaveProperty("participant_uuid");
    }
  });

  it("gives two guests joining in the same second two keys, and a redelivery the same key", () => {
    const time = (joined2020 as any).payload.object.participant.join_time as string;
    const guestA = withParticipant(joined2020, { id: "", user_id: "16779264", user_name: "Guest A", join_time: time });
    const guestB = withParticipant(joined2020, { id: "", user_id: "16780288", user_name: "Guest B", join_time: time });
    expect(contentKey(guestA)).not.toBe(contentKey(guestB));
    expect(contentKey(JSON.parse(JSON.stringify(guestA)))).toBe(contentKey(guestA));
    expect(contentKey(JSON.parse(JSON.stringify(joined2020)))).toBe(contentKey(joined2020));
    // The same session's join and leave are two events.
    expect(contentKey(joined2020)).not.toBe(contentKey(left2020));
  });

  it("keys are equal exactly when two generated bodies are the same delivery (with or without participant_uuid)", () => {
    // Small pools, so that generated deliveries often share all but one field.
    const people = [
      { user_id: "16778240", id: "etqrO_Q8AKigWtS8rpfWuA", user_name: "Host" },
      { user_id: "16779264", id: "", user_name: "Guest" },
      { user_id: "16780288", id: "", user_name: "Guest" },
      { user_id: "16781312", id: "aBcDeFgHiJkLmNoPqRsTuV", user_name: "Signed in" },
    ];
    const delivery = fc.record({
      event: fc.constantFrom("meeting.participant_joined", "meeting.participant_left"),
      account: fc.constantFrom("ATbHWwjlHjh59QV21IzWog", "BBbHWwjlHjh59QV21IzWog"),
      uuid: fc.constantFrom("0Xq/bYe5UpR3NXrAOSknJg==", "1Yr+cZf6VqS4OYsBPTloKh=="),
      person: fc.integer({ min: 0, max: people.length - 1 }),
      second: fc.integer({ min: 0, max: 2 }),
      // Newer bodies carry participant_uuid; two deliveries that differ only there are two events.
      participantUuid: fc.constantFrom(undefined, "7A6A5D44-3D6B-4F5C-9B1E-2C1D0E9F8A7B", "0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9"),
    });
    const body = (d: { event: string; account: string; uuid: string; person: number; second: number; participantUuid: string | undefined }) => {
      const time = new Date(Date.UTC(2020, 3, 26, 11, 17, 4 + d.second)).toISOString().replace(".000Z", "Z");
      const timeField = d.event === "meeting.participant_joined" ? "join_time" : "leave_time";
      return {
        event: d.event,
        payload: {
          account_id: d.account,
          object: {
            id: "70996331261",
            type: 1,
            uuid: d.uuid,
            host_id: people[0]!.id,
            participant: { ...people[d.person]!, ...(d.participantUuid !== undefined ? { participant_uuid: d.participantUuid } : {}), [timeField]: time },
          },
        },
      };
    };
    fc.assert(
      fc.property(delivery, delivery, (a, b) => {
        const sameDelivery = JSON.stringify(a) === JSON.stringify(b) && a.participantUuid === b.participantUuid;
        // A redelivery is a fresh parse of the same bytes.
        const keyA = contentKey(JSON.parse(JSON.stringify(body(a))));
        const keyB = contentKey(JSON.parse(JSON.stringify(body(b))));
        expect(keyA === keyB, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sameDelivery);
      }),
      { numRuns: 2000 },
    );
  });
});
