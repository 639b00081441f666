/**
 * Signed events whose values a database cannot take (issue 14 items 2–4): each one is parked alone
 * with its reason, on SQLite and PostgreSQL alike, while the good events around it (of any account)
 * are applied; `rollcall reprocess` parks them again instead of failing; ingest refuses identifiers
 * far longer than Zoom's with 400 naming the field; a time out of range never breaks a listing.
 */
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listInstances } from "../../src/reports/index.js";
import { insertInboxEvents } from "../../src/store/inbox/index.js";
import { eachDatabase } from "../support/databases.js";
import { startTestRollcall, testSecret, type TestRollcall } from "./support/start-test-rollcall.js";
import { iso, postSigned, zoomMeeting } from "./support/zoom-webhooks.js";
import { rollcallCli } from "../support/rollcall-cli.js";

const run = promisify(execFile);
const min = 60_000;
const t0 = Date.UTC(2026, 3, 6, 9, 0, 0);
const p = zoomMeeting({ accountId: "ACCT-P", uuid: "poisonValues==", id: "87000000002", topic: "Poison values", hostId: "H1", start: t0 });
const q = zoomMeeting({ accountId: "ACCT-Q", uuid: "otherAccount==", id: "87000000003", topic: "Other account", hostId: "H2", start: t0 });
const person = (n: number, extra: Record<string, unknown> = {}) => ({
  user_id: String(16778240 + n),
  participant_uuid: `G0000000-0000-4000-8000-00000000000${n}`,
  user_name: `Person ${n}`,
  email: "",
  customer_key: `ck-${n}`,
  ...extra,
});

/** A leave without `leave_time`: the normaliser falls back to `event_ts`. */
function leftAt(eventTs: number, who: Record<string, unknown>) {
  const body = p.left(who, t0 + 5 * min);
  delete (body.payload.object.participant as Record<string, unknown>)["leave_time"];
  return { ...body, event_ts: eventTs };
}

const poisons = {
  hugeEventTs: leftAt(1e300, person(2)),
  fractionalEventTs: leftAt(t0 + 5 * min + 0.5, person(3)),
  nulName: p.joined(person(4, { user_name: "Eve\u0000" }), t0 + 2 * min),
  // Passes every check but is far too large for a PostgreSQL btree entry (random: no compression).
  hugeParticipantUuid: p.joined(person(5, { participant_uuid: randomBytes(7500).toString("base64") }), t0 + 2 * min),
  unprintableStart: { ...q.started(), event_ts: 9007199254740991, payload: { ...q.started().payload, object: { ...q.started().payload.object, start_time: "" } } },
};

async function postRaw(baseUrl: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac("sha256", testSecret).update(`v0:${ts}:${raw}`).digest("hex")}`;
  const response = await fetch(`${baseUrl}/webhooks/zoom`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-zm-request-timestamp": ts, "x-zm-signature": signature },
    body: raw,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

eachDatabase("pipeline: values a database cannot take", (database) => {
  let service: TestRollcall;
  let ids: Record<string, number>;
  beforeAll(async () => {
    service = await startTestRollcall(database().url, async (_db, accountId) =>
      accountId === "ACCT-P" ? [{ method: "customer_key", value: "ck-1", userId: "gina" }] : [{ method: "customer_key", value: "ck-9", userId: "quinn" }],
    );
    ids = {};
    const post = async (name: string, body: unknown) => {
      const r = await postSigned(service.url, testSecret, body);
      ids[name] = (r as unknown as { id: number }).id;
    };
    await post("goodJoin", p.joined(person(1), t0 + min));
    for (const [name, body] of Object.entries(poisons)) await post(name, body);
    // Stored before ingest refused such identifiers: it must not stop the pipeline either.
    const [longAccount] = await insertInboxEvents(service.rollcall.store.db, [
      {
        event: {
          dedupeKey: "long-account-id",
          event: "meeting.participant_joined",
          accountId: null,
          instanceUuid: "poisonValues==",
          body: JSON.stringify({ ...p.joined(person(6), t0 + 3 * min), payload: { ...p.joined(person(6), t0 + 3 * min).payload, account_id: randomBytes(7500).toString("base64") } }),
          headers: {},
          receivedAt: Date.now(),
          eventTs: null,
        },
        deliveries: 1,
      },
    ]);
    ids["longAccountId"] = longAccount!.id;
    await post("goodLeave", p.left(person(1), t0 + 11 * min));
    await post("otherJoin", q.joined(person(9), t0));
    await post("otherLeave", q.left(person(9), t0 + 30 * min));
    await service.worker.idle();
  }, 30_000);
  afterAll(async () => {
    await service?.stop();
  });

  async function statuses(): Promise<Map<number, { status: string; error: string | null }>> {
    const rows = await service.rollcall.store.db.selectFrom("inbox_events").select(["id", "status", "error"]).orderBy("id").execute();
    return new Map(rows.map((r) => [r.id, { status: r.status, error: r.error }]));
  }

  it("parks each poison alone with the field it failed on, and applies every other event", async () => {
    const rows = await statuses();
    const of = (name: string) => rows.get(ids[name]!)!;
    expect(of("hugeEventTs")).toMatchObject({ status: "parked", error: expect.stringMatching(/^event_ts: expected an integer epoch-ms time/) });
    expect(of("fractionalEventTs")).toMatchObject({ status: "parked", error: expect.stringMatching(/^event_ts: /) });
    expect(of("nulName")).toMatchObject({ status: "parked", error: "payload.object.participant.user_name: must not contain NUL characters" });
    expect(of("unprintableStart")).toMatchObject({ status: "parked", error: expect.stringMatching(/^event_ts: /) });
    expect(of("longAccountId")).toMatchObject({ status: "parked", error: "payload.account_id: expected at most 256 characters" });
    // SQLite stores a 10,000-character uuid; PostgreSQL's index cannot, and only that event is parked.
    if (database().dialect === "postgres") expect(of("hugeParticipantUuid")).toMatchObject({ status: "parked", error: expect.stringContaining("store failed: the database refused it (54000)") });
    else expect(of("hugeParticipantUuid").status).toBe("done");
    for (const name of ["goodJoin", "goodLeave", "otherJoin", "otherLeave"]) expect(of(name)).toMatchObject({ status: "done", error: null });
    const attendance = await service.rollcall.store.db.selectFrom("attendance").select(["user_id", "attended_ms"]).orderBy("user_id").execute();
    expect(attendance).toEqual([
      { user_id: "gina", attended_ms: 10 * min },
      { user_id: "quinn", attended_ms: 30 * min },
    ]);
  });

  it("rollcall reprocess parks them again instead of failing", async () => {
    const before = await statuses();
    const env = { ...process.env, ZOOM_WEBHOOK_SECRET_TOKEN: testSecret, LOG_LEVEL: "silent" };
    const { stdout } = await run(process.execPath, [...rollcallCli, "reprocess", "--database-url", database().url], { env });
    expect(JSON.parse(stdout)).toMatchObject({ reset: before.size });
    await service.worker.idle();
    const after = await statuses();
    expect([...after.entries()].map(([id, r]) => [id, r.status])).toEqual([...before.entries()].map(([id, r]) => [id, r.status]));
  }, 30_000);

  it("refuses identifiers far longer than Zoom's with 400, naming the field", async () => {
    const longUuid = randomBytes(7500).toString("base64");
    const uuid = await postRaw(service.url, { ...p.joined(person(7), t0), payload: { ...p.joined(person(7), t0).payload, object: { ...p.joined(person(7), t0).payload.object, uuid: longUuid } } });
    expect(uuid).toEqual({ status: 400, json: { error: "malformed", message: `payload.object.uuid: expected at most 256 characters, got ${longUuid.length}` } });
    const account = await postRaw(service.url, { ...p.joined(person(7), t0), payload: { ...p.joined(person(7), t0).payload, account_id: "A".repeat(10_000) } });
    expect(account.status).toBe(400);
    expect(account.json["message"]).toMatch(/^payload\.account_id: expected at most 256 characters/);
  });

  it("lists instances even when a stored time cannot be printed", async () => {
    const env = { ...process.env, LOG_LEVEL: "silent" };
    const listed = await run(process.execPath, [...rollcallCli, "instances", "--json", "--database-url", database().url], { env });
    expect((JSON.parse(listed.stdout) as Array<{ uuid: string }>).map((i) => i.uuid).sort()).toEqual(["otherAccount==", "poisonValues=="]);
    // A row written before times were checked where they enter:
    await service.rollcall.store.db.updateTable("instances").set({ start_time: 9007199254740991 }).where("instance_uuid", "=", "otherAccount==").execute();
    const instances = await listInstances(service.rollcall.store.db, {});
    expect(instances.find((i) => i.uuid === "otherAccount==")).toMatchObject({ startTime: null });
    expect(instances.find((i) => i.uuid === "poisonValues==")).toMatchObject({ startTime: iso(t0 + min) }); // no meeting.started: the first join
  });
});
