// Realistic, distinct, signed Zoom deliveries for the wrk-based benchmarks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { signZoomWebhook } from "../../src/zoom/webhook/index.js";

/** A participant_joined like zoom-captures 09, one distinct participant per index. */
function body(i: number): string {
  return JSON.stringify({
    payload: {
      account_id: "AbCdEfGhIjKlMnOpQrStUv",
      object: {
        uuid: `Zq${String(i % 500).padStart(4, "0")}KbT8mGw6QnV5xLpA==`,
        participant: {
          user_id: String(16778240 + i),
          user_name: `참가자${i}`,
          registrant_id: "",
          participant_user_id: "",
          customer_key: "",
          id: "",
          join_time: "2026-04-03T05:01:12Z",
          public_ip: "203.0.113.7",
          email: "",
          participant_uuid: `${(0x10000000 + i).toString(16).toUpperCase()}-DB44-816C-EAE6-61EE82AF0F62`,
        },
        id: "81234567890",
        topic: "Weekly class",
        host_id: "HoStIdHoStIdHoStIdHoSt",
        duration: 60,
        start_time: "2026-04-03T05:00:00Z",
        timezone: "Asia/Seoul",
        type: 2,
      },
    },
    event_ts: 1775192472000 + i,
    event: "meeting.participant_joined",
  });
}


/**
 * Writes `count` distinct signed deliveries (timestamp TAB signature TAB body per line, for
 * signed-deliveries.lua) into `dir`, participants numbered from `offset`; returns the file's path.
 */
export function writeDeliveries(dir: string, secret: string, count: number, offset = 0): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const lines: string[] = [];
  for (let i = offset; i < offset + count; i++) {
    const text = body(i);
    lines.push(`${timestamp}\t${signZoomWebhook(secret, timestamp, text)}\t${text}`);
  }
  const path = join(dir, `deliveries-${offset}-${count}-${timestamp}.tsv`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

