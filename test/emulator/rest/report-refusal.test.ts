import { describe, expect, it } from "vitest";
import { CREDENTIALS, reportRows, useEmulator } from "../../zoom/api/emulator-fixture.js";

/** The emulator's report refusal control: Zoom's plan or scope answer on the participant report only. */
describe("emulator REST: refusing the participant report (plan or scope)", () => {
  const h = useEmulator({ reportDelayMs: 0 });

  async function token(): Promise<{ token: string; scope: string }> {
    const res = await fetch(`${h.emulator.url}/oauth/token?grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString("base64")}` },
    });
    const body = (await res.json()) as { access_token: string; scope: string };
    return { token: body.access_token, scope: body.scope };
  }
  const get = async (path: string, bearer: string) => {
    const res = await fetch(`${h.emulator.apiBaseUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const control = async (refuse: string | null) => {
    const res = await fetch(`${h.emulator.url}/_emulator/report-access`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ refuse }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  function endedInstance(): string {
    const meeting = h.world.createMeeting("me", { topic: "r" });
    const uuid = meeting.uuid; // the world gives the meeting a fresh uuid once this instance ends
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(2) });
    return encodeURIComponent(encodeURIComponent(uuid));
  }

  it.each([
    ["plan", 200, /^Only available for Paid or ZMP account/],
    ["scope", 4711, /does not contain scopes:\[report:read:admin\]/],
  ] as const)("answers Zoom's %s refusal on the report, while past_meetings still answers", async (reason, code, message) => {
    const id = endedInstance();
    expect(await control(reason)).toEqual({ status: 200, body: { refuse: reason } });
    const { token: t, scope } = await token();
    expect(scope.split(" ").includes("report:read:admin")).toBe(reason !== "scope");
    const refused = await get(`/report/meetings/${id}/participants`, t);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code });
    expect(String(refused.body["message"])).toMatch(message);
    const past = await get(`/past_meetings/${id}/participants`, t);
    expect(past.status).toBe(200);
    expect(past.body["participants"]).toHaveLength(2);
    expect(h.emulator.controls.reportRefusals).toBe(1);

    expect(await control(null)).toEqual({ status: 200, body: { refuse: null } });
    expect((await get(`/report/meetings/${id}/participants`, t)).status).toBe(200);
  });

  it("names what it expected when the control body is wrong", async () => {
    const res = await control("gold");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid report access" });
    expect(h.emulator.controls.reportRefusal).toBeUndefined();
  });
});
