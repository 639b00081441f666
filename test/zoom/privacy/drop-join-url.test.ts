/** Under `ROLLCALL_PRIVACY=drop` the inbox keeps no registrant `join_url`: its `tk=` token identifies the person (issue 14 item 9). */
import { expect, it } from "vitest";
import { createBodyPreparer } from "../../../src/zoom/privacy/index.js";

const registration = {
  event: "meeting.registration_created",
  event_ts: 1775235985150,
  payload: {
    account_id: "ACCT",
    object: {
      id: 81234567890,
      uuid: "reg==",
      registrant: { id: "reg-1", email: "dana@example.test", first_name: "Dana", last_name: "Example", join_url: "https://us05web.zoom.us/w/81234567890?tk=PERSONAL.TOKEN&uuid=WN_x" },
    },
  },
};

it("drop blanks the registrant join_url; hash keeps it", () => {
  const raw = JSON.stringify(registration);
  const dropped = createBodyPreparer({ privacy: "drop" })(raw, JSON.parse(raw));
  expect(dropped).not.toContain("PERSONAL.TOKEN");
  expect(JSON.parse(dropped).payload.object.registrant).toMatchObject({ id: "reg-1", join_url: "", email: "" });
  const hashed = createBodyPreparer({ privacy: "hash", hashKey: "a-hash-key-of-16-chars" })(raw, JSON.parse(raw));
  expect(JSON.parse(hashed).payload.object.registrant.join_url).toBe(registration.payload.object.registrant.join_url);
});
