import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDatabase } from "../support/databases.js";
import { startTestServer, type TestServer } from "./support/rollcall-server.js";
import { joinedBody, post, signedDelivery } from "./support/signed-delivery.js";

const secret = "privacy-test-secret";
const name = "Zebulon Quartermaine";
const email = "zebulon.q@example.org";

for (const privacy of ["drop", "hash"] as const) {
  eachDatabase(`ROLLCALL_PRIVACY=${privacy} through POST /webhooks/zoom`, (database) => {
    let server: TestServer;
    beforeAll(async () => {
      // Only the config: startRollcall builds the privacy filter itself, as `rollcall serve` gets it.
      server = await startTestServer(database().url, { webhookSecrets: [secret], privacy });
    });
    afterAll(async () => {
      await server?.stop();
    });

    const rows = () => server.rollcall.store.db.selectFrom("inbox_events").selectAll().orderBy("id").execute();

    it("stores no name or e-mail in the body, the dedupe key or the headers, and still de-duplicates redeliveries", async () => {
      const body = joinedBody({ userName: name, email });
      expect(body).toContain(name);
      expect(body).toContain(email);

      const first = await post(server.url, signedDelivery(secret, body));
      expect(first).toMatchObject({ status: 200, body: { status: "stored" } });
      // Zoom's retry: same bytes, a new timestamp (a second later, given rather than waited for), signature and tracking id.
      const retry = await post(server.url, signedDelivery(secret, body, { timestamp: String(Math.floor(Date.now() / 1000) + 1) }));
      expect(retry).toMatchObject({ status: 200, body: { status: "duplicate", id: first.body.id } });

      const stored = (await rows()).filter((row) => row.id === first.body.id);
      expect(stored).toHaveLength(1);
      const row = stored[0]!;
      expect(row.deliveries).toBe(2);
      for (const column of [row.body, row.dedupe_key, row.headers, JSON.stringify(row)]) {
        for (const forbidden of [name, email, "Zebulon", "zebulon", "example.org"]) expect(column).not.toContain(forbidden);
      }
      const kept = JSON.parse(row.body);
      expect(kept.rollcall_privacy).toBe(privacy);
      // What the pipeline needs is still there.
      expect(kept.event).toBe("meeting.participant_joined");
      expect(kept.payload.object.participant.participant_uuid).toBe(JSON.parse(body).payload.object.participant.participant_uuid);
      if (privacy === "drop") expect(kept.payload.object.participant).toMatchObject({ user_name: "", email: "" });
      else expect(kept.payload.object.participant.email).toMatch(/^[0-9a-f]{16,}$/);
      expect(row.dedupe_key).toContain(JSON.parse(body).payload.object.participant.participant_uuid);
      expect(await rows()).toHaveLength(1);
    });
  });
}
