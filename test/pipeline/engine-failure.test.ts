/**
 * An event the engine cannot take (it throws) is parked alone with the engine's message, and the
 * events of the same batch and instance around it are applied: the pipeline's slow path, which
 * replays the instance event by event as objects. The engine is pure and takes every event the
 * normaliser accepts, so the failure is injected: a wrapper around the real core throws for one
 * participant.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { EventColumns, InstanceState, NormalisedEvent } from "../../src/core/index.js";
import { loadLinks } from "../../src/directory/index.js";
import { createPipeline } from "../../src/pipeline/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { meetingEvents, minute, participant, storeInInbox } from "../directory/support/meeting-events.js";
import { eachDatabase } from "../support/databases.js";

const POISON = "16779999";

vi.mock("../../src/core/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/core/index.js")>();
  const poisoned = (events: readonly NormalisedEvent[]) => events.some((e) => e.type === "participant" && e.participant.userId === POISON);
  return {
    ...real,
    createInstanceState: (): InstanceState => {
      const state = real.createInstanceState();
      let poison = false;
      return {
        get size() {
          return state.size;
        },
        get ended() {
          return state.ended;
        },
        apply(event: NormalisedEvent) {
          poison ||= poisoned([event]);
          return state.apply(event);
        },
        applyColumns(columns: EventColumns) {
          poison ||= columns.strings.includes(POISON);
          return state.applyColumns(columns);
        },
        result(...args: Parameters<InstanceState["result"]>) {
          if (poison) throw new Error("cannot take it");
          return state.result(...args);
        },
        lean(...args: Parameters<InstanceState["lean"]>) {
          if (poison) throw new Error("cannot take it");
          return state.lean(...args);
        },
        update(...args: Parameters<InstanceState["update"]>) {
          if (poison) throw new Error("cannot take it");
          return state.update(...args);
        },
      };
    },
    computeInstance: (events: readonly NormalisedEvent[], ...rest: unknown[]) => {
      if (poisoned(events)) throw new Error("cannot take it");
      return (real.computeInstance as (...a: unknown[]) => unknown)(events, ...rest);
    },
  };
});

const t0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const instance = { accountId: "ACCT-ENG", uuid: "engineFails==", meetingId: "87800000001", topic: "Engine", start: t0 };
const gina = participant({ user_id: "16778240", participant_uuid: "E0000000-0000-4000-8000-000000000001", user_name: "Gina" });
const poison = participant({ user_id: POISON, participant_uuid: "E0000000-0000-4000-8000-000000000002", user_name: "Pat" });

eachDatabase("pipeline: an event the engine cannot take", (database) => {
  let store: RollcallDatabase;
  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    const z = meetingEvents(instance);
    // One batch: the joins travel as columns, the start as an object.
    await storeInInbox(store, [z.started(), z.joined(gina, t0 + minute), z.joined(poison, t0 + 2 * minute), z.left(gina, t0 + 11 * minute)]);
    await createPipeline(store, { loadLinks }).runUntilIdle();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("parks that event with the engine's message and applies the others", async () => {
    const rows = await store.db.selectFrom("inbox_events").select(["status", "error"]).orderBy("id").execute();
    expect(rows.map((r) => r.status)).toEqual(["done", "done", "parked", "done"]);
    expect(rows[2]!.error).toBe("engine failed: cannot take it");
    const sessions = await store.db.selectFrom("participant_sessions").select(["participant_uuid", "attended_ms"]).execute();
    expect(sessions).toEqual([{ participant_uuid: gina["participant_uuid"], attended_ms: 10 * minute }]);
  });
});
