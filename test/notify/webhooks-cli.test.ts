import { Webhook } from "standardwebhooks";
import { expect, it } from "vitest";
import { sign } from "../../src/notify/index.js";
import { eachDatabase } from "../support/databases.js";
import { runRollcall, type CliResult } from "../support/rollcall-cli.js";

/** One `rollcall` command from the sources (never a stale build); rejects with its output when it fails. */
async function rollcall(url: string, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const result = await runRollcall([...args, "--database-url", url], { env: { ...process.env, LOG_LEVEL: "silent", ...env } });
  if (result.code !== 0) throw Object.assign(new Error(`rollcall ${args.join(" ")} exited with ${result.code}`), result);
  return result;
}

eachDatabase("rollcall webhooks", (database) => {
  it("add prints the signing secret alone on the last line; list never shows it; rotate-secret prints the new one", async () => {
    const added = await rollcall(database().url, { ROLLCALL_WEBHOOK_ALLOW_PRIVATE: "1" }, "webhooks", "add", "--url", "http://127.0.0.1:9/hooks", "--events", "attendee.joined,attendee.left");
    const lines = added.stdout.trimEnd().split("\n");
    const secret = lines.at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    // The printed secret is one the standard library accepts.
    const body = '{"type":"attendee.joined"}';
    const ts = Math.floor(Date.now() / 1000);
    expect(new Webhook(secret).verify(body, { "webhook-id": "msg_1", "webhook-timestamp": String(ts), "webhook-signature": sign([secret], "msg_1", ts, body) })).toEqual({ type: "attendee.joined" });

    const listed = await rollcall(database().url, {}, "webhooks", "list");
    expect(listed.stdout).not.toContain("whsec_");
    const [endpoint] = JSON.parse(listed.stdout) as Array<{ id: string; events: string[] }>;
    expect(endpoint!.events).toEqual(["attendee.joined", "attendee.left"]);

    const enabled = await rollcall(database().url, {}, "webhooks", "enable", endpoint!.id);
    expect(enabled.stdout).toMatch(/^enabled webhook endpoint ep_/);

    const rotated = await rollcall(database().url, {}, "webhooks", "rotate-secret", endpoint!.id);
    expect(rotated.stdout.trimEnd().split("\n").at(-1)).toMatch(/^whsec_/);
    expect(rotated.stdout).not.toContain(secret);
  }, 240_000); // each CLI start compiles the sources through tsx: slow on a shared machine

  it("refuses a metadata address unless ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1, and an unknown event type", async () => {
    await expect(rollcall(database().url, {}, "webhooks", "add", "--url", "http://169.254.169.254/latest")).rejects.toMatchObject({ stderr: expect.stringMatching(/url: .*metadata/) });
    await expect(rollcall(database().url, {}, "webhooks", "add", "--url", "https://app.example.com/h", "--events", "attendee.danced")).rejects.toMatchObject({
      stderr: expect.stringContaining('events: unknown event type "attendee.danced"'),
    });
  }, 240_000);
});
