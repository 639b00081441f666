import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { webinarStream } from "../../bench/pipeline/webinar-stream.js";
import { rollcallCli } from "./rollcall-cli.js";

/** A `rollcall serve` child process and the base URL it listens on. */
export interface ServeProcess {
  child: ChildProcess;
  baseUrl: string;
}

/**
 * Spawns `rollcall serve` (from the sources) on `databaseUrl`, a free port and a data directory of
 * its own, with `args` appended (e.g. `["--role", "ingest"]`) and `env` added to its environment;
 * resolves once it listens.
 */
export function startServeProcess(databaseUrl: string, secret: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-srv-"));
  const child = spawn(process.execPath, [...rollcallCli, "serve", "--port", "0", "--host", "127.0.0.1", "--database-url", databaseUrl, "--data-dir", dataDir, ...args], {
    env: { ...process.env, ZOOM_WEBHOOK_SECRET_TOKEN: secret, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 180_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]! });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Sends SIGTERM to every process and waits until each has exited. */
export async function stopServeProcesses(children: readonly ChildProcess[], graceMs = 30_000): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(null);
          // Cleanup must end even when a test failed half-way with requests still in flight; the
          // graceful stop itself is tested where it matters (test/service), not here.
          const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
          child.on("exit", () => {
            clearTimeout(kill);
            resolve(null);
          });
        }),
    ),
  );
}

/** A `rollcall users import` file (JSON, in a fresh temp dir) with the users behind a webinar stream's links. */
export function webinarUserFile(stream: ReturnType<typeof webinarStream>): string {
  const users = new Map<string, { externalId: string; customerKeys: string[]; zoomUserIds: string[]; registrants: Array<{ meetingId: string; registrantId: string }> }>();
  for (const link of stream.links) {
    if (link.method === "manual") continue;
    let user = users.get(link.userId);
    if (!user) users.set(link.userId, (user = { externalId: link.userId, customerKeys: [], zoomUserIds: [], registrants: [] }));
    if (link.method === "customer_key") user.customerKeys.push(link.value);
    if (link.method === "zoom_user_id") user.zoomUserIds.push(link.value);
    if (link.method === "registrant_id") user.registrants.push({ meetingId: link.meetingId!, registrantId: link.value });
  }
  const path = join(mkdtempSync(join(tmpdir(), "rollcall-users-")), "users.json");
  writeFileSync(path, JSON.stringify([...users.values()]));
  return path;
}
