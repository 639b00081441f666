import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_MEANINGS } from "../../../src/zoom/events/event-names.js";
import { envelopeSchema, instanceBodySchema, participantBodySchema, registrationBodySchema } from "../../../src/zoom/events/event-schemas.js";
import { fastAccepts } from "../../../src/zoom/events/fast-check-body.js";
import { loadCaptures } from "./captures.js";

/** What the zod contract says about a body. */
function zodAccepts(body: unknown): boolean {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) return false;
  const meaning = EVENT_MEANINGS.get(env.data.event);
  if (meaning === undefined) return true;
  const schema = meaning.type === "participant" ? participantBodySchema : meaning.type === "instance" ? instanceBodySchema : registrationBodySchema;
  return schema.safeParse(body).success;
}

function fastSays(body: unknown): boolean {
  const event = typeof body === "object" && body !== null ? (body as { event?: unknown }).event : undefined;
  return fastAccepts(body, typeof event === "string" ? EVENT_MEANINGS.get(event) : undefined);
}

const captures = loadCaptures().map((c) => c.body);
const registration = { event: "meeting.registration_created", payload: { account_id: "a", object: { id: 1, uuid: "u", registrant: { id: "r", email: "e" } } } };
const seeds = [...captures, registration];

/** Paths to every field of a body, so mutations hit real fields as well as new ones. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(body: unknown, path: string[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(body) as Record<string, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string, unknown>;
  if (remove) delete cur[path.at(-1)!];
  else cur[path.at(-1)!] = replacement;
  return copy;
}

describe("the hand-written hot-path checks accept exactly what the zod schemas accept", () => {
  it("on every capture", () => {
    for (const body of seeds) expect(fastSays(body)).toBe(zodAccepts(body));
  });

  it("on bodies with one field replaced or removed", () => {
    const weird = fc.oneof(
      fc.constantFrom(null, "", 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, [], {}, "2026-04-03T17:06:25Z", "x"),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(10_000), weird, fc.boolean(), (i, j, replacement, remove) => {
        const body = seeds[i]!;
        const all = paths(body);
        const body2 = mutate(body, all[j % all.length]!, replacement, remove);
        expect(fastSays(body2)).toBe(zodAccepts(body2));
      }),
      { numRuns: 3000 },
    );
  });
});
