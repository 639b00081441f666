/**
 * What `rollcall simulate --emulator URL` asks of a running emulator over HTTP: its account id (so
 * the simulated events carry the account Rollcall is configured for), the record of the simulated
 * instance and its participant report (so `rollcall reconcile` finds it), and event delivery
 * over its WebSocket (`--via websocket`).
 */
import type { Simulation } from "../simulator/simulation-types.js";
import type { DeliveryTransport } from "./webhook-sender.js";

/** The emulated account's id, as the emulator's banner prints it for `ZOOM_ACCOUNT_ID`. */
export async function emulatorAccountId(emulatorUrl: string): Promise<string> {
  const stats = (await call(emulatorUrl, "GET", "/_emulator/stats")) as { account_id?: unknown };
  if (typeof stats.account_id !== "string") throw new Error(`${emulatorUrl}: /_emulator/stats has no account_id; is this Rollcall's Zoom emulator?`);
  return stats.account_id;
}

/**
 * The registrant ids the emulator holds for a meeting, by lower-cased e-mail: the ids
 * `rollcall links issue --kind registrant` created there for the app's users.
 */
export async function emulatorRegistrants(emulatorUrl: string, meetingNumber: string): Promise<Map<string, string>> {
  const answer = (await call(emulatorUrl, "GET", `/_emulator/meetings/${encodeURIComponent(meetingNumber)}/registrants`)) as { registrants: Array<{ id: string; email: string }> };
  return new Map(answer.registrants.map((r) => [r.email.toLowerCase(), r.id]));
}

/** Records the instance as started (reports then say "not ended" instead of "not found"). */
export async function recordStartOnEmulator(emulatorUrl: string, simulation: Simulation): Promise<void> {
  const { instance } = simulation;
  await call(emulatorUrl, "POST", "/_emulator/instances", { meeting_number: instance.id, topic: instance.topic, uuid: instance.uuid, start_time: instance.startTime });
}

/** Records the ended instance with its participant report rows; returns when the report becomes available. */
export async function recordEndOnEmulator(emulatorUrl: string, simulation: Simulation): Promise<{ reportAvailableAt: string; reportRows: number }> {
  const { instance, report } = simulation;
  const answer = (await call(emulatorUrl, "POST", "/_emulator/instances", {
    meeting_number: instance.id,
    topic: instance.topic,
    uuid: instance.uuid,
    start_time: instance.startTime,
    end_time: instance.endTime,
    report_rows: report.rows,
  })) as { report_available_at: string; report_rows: number };
  return { reportAvailableAt: answer.report_available_at, reportRows: answer.report_rows };
}

/**
 * Delivers through the emulator's event WebSocket instead of a signed POST: Zoom neither retries
 * nor keeps an event while no connection is open, so such a delivery is `lost`, not failed.
 */
export function websocketTransport(emulatorUrl: string, subscriptionId: string | undefined): DeliveryTransport {
  return async (raw, timeoutMs) => {
    try {
      const response = await fetch(`${emulatorUrl}/_emulator/websocket/deliver`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...(subscriptionId !== undefined ? { subscription_id: subscriptionId } : {}), event: raw }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 409) return { lost: "no open WebSocket connection: Zoom does not keep the event" };
      return response.ok ? undefined : `emulator answered HTTP ${response.status}`;
    } catch (error) {
      return `request to the emulator failed: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`;
    }
  };
}

async function call(base: string, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/+$/, "")}${path}`, {
      method,
      ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`the emulator at ${base} does not answer (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); start it with \`rollcall emulator\``);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`the emulator at ${base} answered ${method} ${path} with HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}
