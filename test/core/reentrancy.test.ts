/**
 * The core holds its working space per computation, not per module: a computation started while
 * another one is under way (here from inside the first one's name-pattern match, the one place the
 * core calls out to caller code) leaves the first one's result untouched.
 */
import { describe, expect, it } from "vitest";
import { computeInstance, createInstanceState, type Link, type NormalisedEvent } from "../../src/core/index.js";
import { ended, joined, left, min, started } from "./event-builders.js";

/** An instance whose sessions carry strong evidence and a display name, so name matching runs mid-resolution. */
function instanceEvents(uuid: string, people: number, offset: number): NormalisedEvent[] {
  const events: NormalisedEvent[] = [{ ...started(min(0)), instanceUuid: uuid }];
  for (let i = 0; i < people; i++) {
    const who = { userId: `${offset + i}`, participantUuid: `P-${uuid}-${i}`, userName: `Person ${i} [rc:t${i}]`, email: `p${offset + i}@example.com`, registrantId: i % 2 === 0 ? `reg-${offset + i}` : undefined };
    events.push({ ...joined(min(i), who), instanceUuid: uuid }, { ...left(min(30 + i), who), instanceUuid: uuid });
  }
  events.push({ ...ended(min(90)), instanceUuid: uuid });
  return events;
}

const LINKS: Link[] = [];
for (let i = 0; i < 40; i++) {
  LINKS.push({ method: "email", value: `p${i}@example.com`, userId: `mail-${i}` });
  LINKS.push({ method: "registrant_id", value: `reg-${i}`, userId: `reg-user-${i}` });
  LINKS.push({ method: "name_token", value: `t${i % 20}`, userId: `token-${i % 20}` });
}

const A = instanceEvents("inst-A==", 12, 0);
const B = instanceEvents("inst-B==", 15, 20);
const PATTERN = /\[rc:(?<token>[^\]\s]+)\]/;

describe("two computations interleaved", () => {
  it("give the results they give apart", () => {
    const apartA = computeInstance(A, LINKS, { namePattern: PATTERN });
    const apartB = computeInstance(B, LINKS, { namePattern: PATTERN });
    const inner: unknown[] = [];
    // A name pattern that computes instance B (from events fed one by one) each time it is asked to match.
    class Reentrant extends RegExp {
      override exec(value: string): RegExpExecArray | null {
        const state = createInstanceState();
        for (const e of B) state.apply(e);
        inner.push(state.result(LINKS, { namePattern: PATTERN }));
        return super.exec(value);
      }
    }
    const interleavedA = computeInstance(A, LINKS, { namePattern: new Reentrant(PATTERN.source) });
    expect(inner.length).toBeGreaterThan(0);
    expect(interleavedA).toEqual(apartA);
    for (const b of inner) expect(b).toEqual(apartB);
  });
});
