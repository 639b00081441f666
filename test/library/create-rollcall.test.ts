import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRollcall, signZoomWebhook, type EmbeddedRollcall } from "../../src/index.js";
import { eachDatabase } from "../support/databases.js";
import { meetingEvents, minute, participant } from "../directory/support/meeting-events.js";
import { minutesFrom } from "../support/clock.js";

const secret = "library-test-secret";
const start = Date.UTC(2026, 4, 4, 15, 0, 0);
const instance = { accountId: "ACCT-LIB", uuid: "lib/embedded+A==", meetingId: "86655443322", topic: "Embedded", start };
const z = meetingEvents(instance);
const at = minutesFrom(start);
const dana = participant({ user_id: "16778240", participant_uuid: "D0000000-0000-4000-8000-00000000L1B1", customer_key: "ck-dana" });
const guest = participant({ user_id: "16778241", participant_uuid: "G0000000-0000-4000-8000-00000000L1B1", user_name: "Guest Phone" });

eachDatabase("createRollcall (embedded library)", (database) => {
  let rollcall: EmbeddedRollcall;
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-library-"));

  async function post(body: unknown): Promise<number> {
    const raw = JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${rollcall.url}/webhooks/zoom`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "x-zm-request-timestamp": ts, "x-zm-signature": signZoomWebhook(secret, ts, raw) },
      body: raw,
    });
    return response.status;
  }

  async function attendanceSettled(predicate: (seconds: number | undefined) => boolean) {
    for (let i = 0; i < 200; i++) {
      const report = await rollcall.attendance(instance.uuid);
      const seconds = report?.attendees.find((a) => a.externalId === "dana")?.attendedSeconds;
      if (predicate(seconds)) return report!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the pipeline did not reach the expected attendance in time");
  }

  beforeAll(async () => {
    rollcall = await createRollcall({
      env: {},
      config: { port: 0, host: "127.0.0.1", databaseUrl: database().url, webhookSecrets: [secret], logLevel: "silent", dataDir },
      print: () => {},
    });
  });
  afterAll(async () => {
    await rollcall?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("receives signed webhooks and answers attendance for imported users", async () => {
    await rollcall.importUsers([{ externalId: "dana", customerKeys: ["ck-dana"] }]);
    for (const body of [z.started(), z.joined(dana, at(1)), z.joined(guest, at(2)), z.left(guest, at(12)), z.left(dana, at(41)), z.ended(at(45))]) {
      expect(await post(body)).toBe(200);
    }
    const report = await attendanceSettled((s) => s === 40 * 60);
    expect(report.attendees).toEqual([expect.objectContaining({ externalId: "dana", attendedSeconds: 2400, resolvedBy: "customer_key", sessions: 1 })]);
    expect(report.unresolved).toEqual([expect.objectContaining({ userName: "Guest Phone", attendedSeconds: 600, reason: "no_identifier" })]);
    expect((await rollcall.instances()).map((i) => i.uuid)).toEqual([instance.uuid]);
  });

  it("links an unresolved session by hand and re-resolves only it", async () => {
    const before = await rollcall.attendance(instance.uuid);
    await rollcall.importUsers([{ externalId: "walk-in" }]);
    await rollcall.linkSession({ instanceUuid: instance.uuid, sessionKey: before!.unresolved[0]!.sessionKey, externalId: "walk-in" });
    let report = before;
    for (let i = 0; i < 200 && report?.unresolved.length !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      report = await rollcall.attendance(instance.uuid);
    }
    expect(report?.unresolved).toEqual([]);
    expect(report?.attendees.map((a) => [a.externalId, a.attendedSeconds, a.resolvedBy])).toEqual([
      ["dana", 2400, "customer_key"],
      ["walk-in", 600, "manual"],
    ]);
  });

  it("refuses bad user rows with the field named", async () => {
    await expect(rollcall.importUsers([{ email: "x@example.com" }])).rejects.toThrow(/users\[0\]\.externalId/);
  });
});
