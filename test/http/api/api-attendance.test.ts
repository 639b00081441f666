/**
 * The reading and review side of the API over real HTTP, on SQLite and PostgreSQL, with webhooks
 * posted signed to the same server and the pipeline worker running: instances (filters, every page),
 * attendance as JSON and CSV equal to the CLI's, spreadsheet-safe cells, the unresolved list with
 * suggestions and conflicts, manual link → attendance → undo, a user's attendance and a meeting's
 * roll-up. Instance uuids contain `/`, `+` and `=` and travel URL-encoded once.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDatabase } from "../../support/databases.js";
import { meetingEvents, minute, participant } from "../../directory/support/meeting-events.js";
import { pathUuid, rollcallCli, startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";
import { minutesFrom } from "../../support/clock.js";

const t0 = Date.UTC(2026, 3, 6, 9, 0, 0);
const at = minutesFrom(t0);
const M = "86655443322";
const OTHER = "81112223334";
const main = { accountId: "ACCT-API", uuid: "api/Inst+One==", meetingId: M, topic: "API cohort – week 1", start: t0 };

const ana = participant({ user_id: "16778240", participant_uuid: "A0000000-0000-4000-8000-0000000000A1", user_name: "Ana Attendee", registrant_id: "reg-ana" });
const ben = participant({ user_id: "16778241", participant_uuid: "B0000000-0000-4000-8000-0000000000A1", user_name: "Ben Mailer", email: "ben@example.test" });
const cara = participant({ user_id: "16778242", participant_uuid: "C0000000-0000-4000-8000-0000000000A1", customer_key: "ck-cara" });
// Evidence for two users: Cara's customer key (stronger) and Ben's e-mail.
const shared = participant({ user_id: "16778243", participant_uuid: "D0000000-0000-4000-8000-0000000000A1", customer_key: "ck-cara", email: "ben@example.test" });
// No identifier but a name close to a user's: a suggestion, never applied.
const guest = participant({ user_id: "16778244", participant_uuid: "E0000000-0000-4000-8000-0000000000A1", user_name: "Dana Smyth" });
// A display name a spreadsheet would run as a formula.
const formula = participant({ user_id: "16778245", participant_uuid: "F0000000-0000-4000-8000-0000000000A1", user_name: '=HYPERLINK("http://evil.example","x")' });

function mainStream() {
  const z = meetingEvents(main);
  return [
    z.started(),
    z.joined(ana, at(0)),
    z.joined(ben, at(2)),
    z.joined(cara, at(10)),
    z.joined(shared, at(11)),
    z.joined(guest, at(1)),
    z.joined(formula, at(3)),
    z.left(formula, at(4)),
    z.left(guest, at(45)),
    z.left(shared, at(20)),
    z.left(cara, at(40)),
    z.left(ben, at(58)),
    z.left(ana, at(60)),
    z.ended(at(60)),
  ];
}

/** Four more instances of the meeting (weekly) and two of another, for listing and roll-up. */
function otherStreams() {
  const bodies: unknown[] = [];
  for (let week = 1; week <= 4; week++) {
    const instance = { ...main, uuid: `api/Week${week}+x=`, topic: `API cohort – week ${week + 1}`, start: t0 + week * 7 * 24 * 60 * minute };
    const z = meetingEvents(instance);
    const start = instance.start;
    bodies.push(z.started(), z.joined(ana, start), z.left(ana, start + (10 + week * 10) * minute), z.ended(start + 60 * minute));
  }
  for (let day = 1; day <= 2; day++) {
    const instance = { ...main, meetingId: OTHER, uuid: `other/${day}==`, topic: "Other", start: t0 + day * 24 * 60 * minute };
    const z = meetingEvents(instance);
    bodies.push(z.started(), z.joined(ben, instance.start), z.left(ben, instance.start + 30 * minute));
  }
  return bodies;
}

eachDatabase("API attendance and review", (database) => {
  let server: ApiTestServer;
  beforeAll(async () => {
    server = await startApiTestServer(database().url);
    const imported = await server.call("POST", "/api/v1/users/import", {
      body: [
        { externalId: "ana", name: "Ana Attendee", registrants: [{ meetingId: M, registrantId: "reg-ana" }] },
        { externalId: "ben", email: "ben@example.test", name: "Ben Mailer" },
        { externalId: "cara", name: "Cara Keyed", customerKeys: ["ck-cara"] },
        { externalId: "dana", email: "dana.smith@example.test", name: "Dana Smith" },
      ],
    });
    expect(imported.status).toBe(200);
    await server.deliver([...mainStream(), ...otherStreams()]);
    await server.settled();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("lists instances with counts, filters, and every page exactly once", async () => {
    const all = await server.call("GET", "/api/v1/instances?limit=500");
    expect(all.status).toBe(200);
    expect(all.json.nextCursor).toBeNull();
    expect(all.json.data).toHaveLength(7);
    const first = all.json.data.find((i: { uuid: string }) => i.uuid === main.uuid);
    expect(first).toEqual({ uuid: main.uuid, meetingId: M, topic: main.topic, startTime: "2026-04-06T09:00:00Z", endTime: "2026-04-06T10:00:00Z", status: "ended", sessions: 6, attendees: 3, expectedAbsent: 0, unresolved: 2, possiblyIncomplete: false });

    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await server.call("GET", `/api/v1/instances?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: server.readKey });
      expect(page.status).toBe(200);
      walked.push(...page.json.data.map((i: { uuid: string }) => i.uuid));
      cursor = page.json.nextCursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.json.data.map((i: { uuid: string }) => i.uuid));

    const ofMeeting = await server.call("GET", `/api/v1/instances?meetingId=${OTHER}`);
    expect(ofMeeting.json.data.map((i: { uuid: string }) => i.uuid).sort()).toEqual(["other/1==", "other/2=="]);
    const live = await server.call("GET", "/api/v1/instances?status=live");
    expect(live.json.data.map((i: { uuid: string }) => i.uuid).sort()).toEqual(["other/1==", "other/2=="]);
    // A date as `to` includes its whole day (the rule of the CLI and the dashboard too); a time is the exclusive bound.
    const window = await server.call("GET", `/api/v1/instances?from=2026-04-06T09:00:00Z&to=2026-04-07`);
    expect(window.json.data.map((i: { uuid: string }) => i.uuid)).toEqual(["other/1==", main.uuid]);
    const throughTheEighth = await server.call("GET", `/api/v1/instances?from=2026-04-06T09:00:00Z&to=2026-04-08`);
    expect(throughTheEighth.json.data.map((i: { uuid: string }) => i.uuid)).toEqual(["other/2==", "other/1==", main.uuid]);
    const beforeTheEighth = await server.call("GET", `/api/v1/instances?from=2026-04-06T09:00:00Z&to=2026-04-08T00:00:00Z`);
    expect(beforeTheEighth.json.data.map((i: { uuid: string }) => i.uuid)).toEqual(["other/1==", main.uuid]);
    const badStatus = await server.call("GET", "/api/v1/instances?status=sleeping");
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.error.details[0].path).toBe("query.status");
    const badDate = await server.call("GET", "/api/v1/instances?from=yesterday");
    expect(badDate.json.error.details[0].path).toBe("query.from");
  });

  it("answers the CLI's JSON and CSV for an instance, CSV by Accept or ?format, with formulas neutralised", async () => {
    const json = await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance`);
    expect(json.status).toBe(200);
    const cliJson = JSON.parse(await rollcallCli(server.databaseUrl, "attendance", "--instance", main.uuid, "--format", "json"));
    expect(json.json).toEqual(cliJson);
    expect(json.json.attendees.map((a: { externalId: string; resolvedBy: string; source: string }) => [a.externalId, a.resolvedBy, a.source])).toEqual([
      ["ana", "registrant_id", "webhook"],
      ["ben", "email", "webhook"],
      ["cara", "customer_key", "webhook"],
    ]);

    const csv = await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance`, { headers: { accept: "text/csv" } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const cliCsv = await rollcallCli(server.databaseUrl, "attendance", "--instance", main.uuid, "--format", "csv");
    expect(csv.text).toBe(cliCsv);
    expect((await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance?format=csv`)).text).toBe(cliCsv);

    const rows = parseCsv(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.filter((r) => r["kind"] === "attendee").map((r) => [r["externalId"], r["attendedSeconds"]])).toEqual(
      json.json.attendees.map((a: { externalId: string; attendedSeconds: number }) => [a.externalId, String(a.attendedSeconds)]),
    );
    const names = rows.filter((r) => r["kind"] === "unresolved").map((r) => r["userName"]);
    expect(names).toContain(`'=HYPERLINK("http://evil.example","x")`);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+@\t\r]/);
  }, 120_000);

  it("answers 404 for an unknown instance and when the uuid is not encoded (its / splits the path)", async () => {
    const unknown = await server.call("GET", `/api/v1/instances/${pathUuid("no/such+instance==")}/attendance`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("not_found");
    expect(unknown.json.error.message).toContain("no/such+instance==");
    expect((await server.call("GET", `/api/v1/instances/${main.uuid}/attendance`)).status).toBe(404);
    // Encoded twice is another uuid.
    expect((await server.call("GET", `/api/v1/instances/${encodeURIComponent(pathUuid(main.uuid))}/attendance`)).status).toBe(404);
  });

  it("lists unresolved sessions with identifiers and suggestions, and the conflict with both sides", async () => {
    const answer = await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/unresolved`, { key: server.readKey });
    expect(answer.status).toBe(200);
    const byKey = new Map(answer.json.data.map((s: { sessionKey: string }) => [s.sessionKey, s]));
    const dana = byKey.get(guest["participant_uuid"]!) as any;
    expect(dana).toMatchObject({ userName: "Dana Smyth", attendedSeconds: 44 * 60, reason: "no_identifier", resolvedTo: null });
    expect(dana.suggestions[0]).toMatchObject({ externalId: "dana", matchedOn: "name" });
    expect(dana.suggestions[0].score).toBeGreaterThan(0.6);
    const conflict = byKey.get(shared["participant_uuid"]!) as any;
    expect(conflict).toMatchObject({ reason: "conflict", resolvedTo: { externalId: "cara", method: "customer_key" }, suggestions: [] });
    expect(conflict.conflicts).toContainEqual(expect.objectContaining({ externalId: "ben", method: "email" }));
    expect(conflict.identifiers).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "customer_key", value: "ck-cara", source: "webhook" }), expect.objectContaining({ field: "email", value: "ben@example.test" })]),
    );
    // Suggestions are shown, never applied.
    const attendance = await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance`);
    expect(attendance.json.attendees.map((a: { externalId: string }) => a.externalId)).not.toContain("dana");
  });

  it("links a session by hand: attendance follows in the answer, resolvedBy manual; DELETE undoes it", async () => {
    const path = `/api/v1/instances/${pathUuid(main.uuid)}/sessions/${encodeURIComponent(guest["participant_uuid"]!)}/link`;
    const linked = await server.call("POST", path, { body: { externalId: "dana" } });
    expect(linked.status).toBe(200);
    const dana = linked.json.attendees.find((a: { externalId: string }) => a.externalId === "dana");
    expect(dana).toMatchObject({ resolvedBy: "manual", source: "manual", attendedSeconds: 44 * 60, sessions: 1 });
    expect((await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance`)).json).toEqual(linked.json);
    const unresolved = await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/unresolved`);
    expect(unresolved.json.data.map((s: { sessionKey: string }) => s.sessionKey)).not.toContain(guest["participant_uuid"]);
    expect((await server.call("GET", "/api/v1/users/dana")).json.manualSessions).toEqual([{ instanceUuid: main.uuid, sessionKey: guest["participant_uuid"] }]);

    const undone = await server.call("DELETE", path);
    expect(undone.status).toBe(200);
    expect(undone.json.attendees.map((a: { externalId: string }) => a.externalId)).not.toContain("dana");
    expect(undone.json.unresolved.map((u: { sessionKey: string }) => u.sessionKey)).toContain(guest["participant_uuid"]);
    expect((await server.call("DELETE", path)).status).toBe(404);

    const unknownUser = await server.call("POST", path, { body: { externalId: "nobody" } });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.json.error.details[0].path).toBe("body.externalId");
    const unknownSession = await server.call("POST", `/api/v1/instances/${pathUuid(main.uuid)}/sessions/nope/link`, { body: { externalId: "dana" } });
    expect(unknownSession.status).toBe(404);
    expect(unknownSession.json.error.details[0].path).toBe("params.sessionKey");
    const missing = await server.call("POST", path, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0].path).toBe("body.externalId");
  });

  it("answers a user's attendance across instances and a meeting's roll-up (JSON as the CLI's, CSV)", async () => {
    const ana = await server.call("GET", "/api/v1/users/ana/attendance");
    expect(ana.status).toBe(200);
    expect(ana.json.instances.map((i: { instance: { uuid: string }; attendedSeconds: number }) => [i.instance.uuid, i.attendedSeconds])).toEqual([
      ["api/Week4+x=", 50 * 60],
      ["api/Week3+x=", 40 * 60],
      ["api/Week2+x=", 30 * 60],
      ["api/Week1+x=", 20 * 60],
      [main.uuid, 60 * 60],
    ]);
    expect(ana.json.totalSeconds).toBe(200 * 60);
    const fromReport = (await server.call("GET", `/api/v1/instances/${pathUuid(main.uuid)}/attendance`)).json.attendees.find((a: { externalId: string }) => a.externalId === "ana");
    const { externalId: _id, ...same } = fromReport;
    expect(ana.json.instances.at(-1)).toMatchObject(same);
    expect((await server.call("GET", `/api/v1/users/ana/attendance?meetingId=${OTHER}`)).json.instances).toEqual([]);
    expect((await server.call("GET", "/api/v1/users/nobody/attendance")).status).toBe(404);

    const rollup = await server.call("GET", `/api/v1/meetings/${M}/attendance`);
    expect(rollup.status).toBe(200);
    expect(rollup.json).toEqual(JSON.parse(await rollcallCli(server.databaseUrl, "attendance", "--meeting", M, "--format", "json")));
    expect(rollup.json.users.find((u: { externalId: string }) => u.externalId === "ana")).toMatchObject({ instancesAttended: 5, totalSeconds: 200 * 60 });
    const csv = await server.call("GET", `/api/v1/meetings/${M}/attendance?format=csv`);
    expect(parseCsv(csv.text, { columns: true })).toHaveLength(rollup.json.users.length * 5);
    expect((await server.call("GET", "/api/v1/meetings/12/attendance")).json.error.details[0].path).toBe("params.meetingId");
    expect((await server.call("GET", "/api/v1/meetings/899999999999/attendance")).status).toBe(404);
  }, 120_000);
});
